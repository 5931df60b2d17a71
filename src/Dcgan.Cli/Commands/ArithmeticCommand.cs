using System.CommandLine;
using Dcgan.Imaging;
using Dcgan.Latent;
using static Dcgan.Cli.Commands.OptionFactory;

namespace Dcgan.Cli.Commands;

public static class ArithmeticCommand
{
    public static Command Create()
    {
        var model = new ModelArguments();
        var a = Optional<string>("--a", "Exemplar seeds of concept A (the DCGAN paper uses 3), e.g. 3,8,21.");
        var b = Optional<string>("--b", "Exemplar seeds of concept B.");
        var c = Optional<string>("--c", "Exemplar seeds of concept C.");
        var radius = Make("--radius", "Neighbours: Y + U(-r, r) noise per coordinate.", 0.25);
        var seed = Make("--seed", "Seed of the neighbours' noise.", 0L);
        var output = Required<string>("--out", "The figure to write (.png).");
        var saveLatents = Optional<string>("--save-latents", "Also write the result Y and its neighbours (.npy or JSON).");
        var command = new Command("arithmetic", "mean(A) - mean(B) + mean(C), drawn as the DCGAN paper's figure: exemplars, means, the result and 8 neighbours.")
            .With([.. model.All, a, b, c, radius, seed, output, saveLatents]);
        command.SetAction(r => CommandRunner.Guard("arithmetic", () =>
        {
            var seedsA = ModelArguments.Seeds(r, a); var seedsB = ModelArguments.Seeds(r, b); var seedsC = ModelArguments.Seeds(r, c);
            if (new[] { seedsA, seedsB, seedsC }.Any(s => s.Count > 16)) throw new ArgumentException("at most 16 exemplars per concept");
            double rad = r.GetValue(radius);
            if (!(rad >= 0 && rad <= 2)) throw new ArgumentException($"--radius must be between 0 and 2 (got {rad})");
            using var loaded = model.Open(r);
            var (figure, results) = Editing.ArithmeticFigure(loaded, seedsA, seedsB, seedsC, rad, r.GetValue(seed));
            using (results)
            {
                Png.Save(figure.Draw(loaded.Sampler), r.GetValue(output)!);
                if (r.GetValue(saveLatents) is { } file) LatentFile.Write(file, results);
            }
            Console.WriteLine($"mean(A) - mean(B) + mean(C) with {seedsA.Count}/{seedsB.Count}/{seedsC.Count} exemplars; figure {r.GetValue(output)} " +
                "(rows: A | mean, B | mean, C | mean, result | 8 neighbours)");
            return 0;
        }));
        return command;
    }
}
