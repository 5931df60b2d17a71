using System.CommandLine;
using Dcgan.Imaging;
using Dcgan.Latent;
using static Dcgan.Cli.Commands.OptionFactory;

namespace Dcgan.Cli.Commands;

internal static class ArithmeticCommand
{
    public static Command Create()
    {
        var model = new ModelArguments();
        var a = Optional<string>("--a",
            "Exemplars of concept A: seeds (the DCGAN paper uses 3), e.g. 3,8,21, or a latents file (e.g. from `dcgan invert`).");
        var b = Optional<string>("--b", "Exemplars of concept B: seeds or a latents file.");
        var c = Optional<string>("--c", "Exemplars of concept C: seeds or a latents file.");
        var radius = Make("--radius", "Neighbours: Y + U(-r, r) noise per coordinate.", 0.25);
        var seed = Make("--seed", "Seed of the neighbours' noise.", 0L);
        var output = Required<string>("--out", "The figure to write (.png).");
        var saveLatents = Optional<string>("--save-latents", "Also write the result Y and its neighbours (.npy or JSON).");
        var command = new Command("arithmetic",
                "mean(A) - mean(B) + mean(C), drawn as the DCGAN paper's figure: exemplars, means, the result and 8 neighbours.")
            .With([.. model.All, a, b, c, radius, seed, output, saveLatents]);
        command.SetAction(r => CommandRunner.Guard("arithmetic", () =>
        {
            CheckOutputFile("--out", r.GetValue(output), PngFile);
            CheckLatentsOutput("--save-latents", r.GetValue(saveLatents));
            if (r.GetValue(seed) < 0) throw CommandRunner.Usage($"--seed must be a non-negative integer (got {r.GetValue(seed)})");
            double rad = r.GetValue(radius);
            if (!(rad >= 0 && rad <= 2)) throw CommandRunner.Usage($"--radius must be between 0 and 2 (got {rad})");
            foreach (var option in new[] { a, b, c })
                if (r.GetValue(option) is null)
                    throw CommandRunner.Usage($"{option.Name} is required (seeds such as 3,8,21, or a latents file)");
            using var loaded = model.Open(r);
            using var za = ModelArguments.SeedsOrLatents(loaded, r.GetValue(a)!, "--a", 16);
            using var zb = ModelArguments.SeedsOrLatents(loaded, r.GetValue(b)!, "--b", 16);
            using var zc = ModelArguments.SeedsOrLatents(loaded, r.GetValue(c)!, "--c", 16);
            var (figure, results) = Generation.Figures.Arithmetic(za, zb, zc, rad, r.GetValue(seed));
            using (results)
            {
                Png.Save(figure.Draw(loaded.Sampler), r.GetValue(output)!);
                if (r.GetValue(saveLatents) is { } file) LatentFile.Write(file, results);
            }
            Console.WriteLine($"mean(A) - mean(B) + mean(C) with {za.shape[0]}/{zb.shape[0]}/{zc.shape[0]} exemplars; " +
                $"figure {r.GetValue(output)} (rows: A | mean, B | mean, C | mean, result | 8 neighbours)");
            return 0;
        }));
        return command;
    }
}
