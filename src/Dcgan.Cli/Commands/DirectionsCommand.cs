using System.CommandLine;
using Dcgan.Imaging;
using Dcgan.Latent;
using Dcgan.Training;
using static Dcgan.Cli.Commands.OptionFactory;

namespace Dcgan.Cli.Commands;

internal static class DirectionsCommand
{
    public static Command Create()
    {
        var model = new ModelArguments();
        var method = Make("--method",
            "sefa (closed form from G's first layer) or pca (GANSpace: PCA of first-layer features, regressed to z).", "sefa");
        var k = Make("--k", "How many directions.", 10);
        var samples = Make("--samples", "pca: latents sampled.", Directions.PcaSamples);
        var strength = Make("--strength", "Preview strips go from -strength to +strength sigmas.", 3.0);
        var previewSeeds = Make("--preview-seeds", "Seeds shown in each preview strip (one row each).", "0-2");
        var output = Required<string>("--out",
            "Folder for the vector files (direction-00.json, ...) and previews (direction-00.png, ...).");
        var command = new Command("directions", "Discover unsupervised directions in z (SeFa or PCA) and preview each as a strip.")
            .With([.. model.All, method, k, samples, strength, previewSeeds, output]);
        command.SetAction(r => CommandRunner.Guard("directions", () =>
        {
            CheckOutputFolder("--out", r.GetValue(output));
            var chosen = Input.UserInput.DiscoveryMethod(r.GetValue(method), "--method");
            double range = r.GetValue(strength);
            if (!(range > 0 && range <= 20)) throw CommandRunner.Usage($"--strength must be in (0, 20] (got {range})");
            var seeds = Input.UserInput.SeedList(r.GetValue(previewSeeds)!);
            if (seeds.Count > 16) throw CommandRunner.Usage("at most 16 preview seeds");
            using var loaded = model.Open(r);
            var directions = Generation.ModelVectors.Discover(loaded, chosen, r.GetValue(k), r.GetValue(samples));
            string dir = r.GetValue(output)!;
            Directory.CreateDirectory(dir);
            double[] steps = [-1, -2.0 / 3, -1.0 / 3, 0, 1.0 / 3, 2.0 / 3, 1];
            for (int i = 0; i < directions.Count; i++)
            {
                var vector = directions[i];
                vector.Save(Path.Combine(dir, $"direction-{i:D2}.json"));
                double sigma = vector.Sigma ?? 1;
                var strengths = steps.Select(s => s * range * sigma).ToList();
                using var z = loaded.LatentsFor(seeds);
                Png.Save(Generation.Figures.Strip(z, vector, strengths, []).Draw(loaded.Sampler), Path.Combine(dir, $"direction-{i:D2}.png"));
                Console.WriteLine($"direction {i:D2}: sigma {sigma:F3}");
            }
            Console.WriteLine($"{directions.Count} directions in {dir}/ " +
                $"(direction-NN.json vectors, direction-NN.png previews from -{range} to +{range} sigma)");
            return 0;
        }));
        return command;
    }
}
