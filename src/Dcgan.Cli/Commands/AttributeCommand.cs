using System.CommandLine;
using System.Text.Json;
using Dcgan.Imaging;
using Dcgan.Latent;
using Dcgan.Training;
using static Dcgan.Cli.Commands.OptionFactory;

namespace Dcgan.Cli.Commands;

internal static class AttributeCommand
{
    public static Command Create() => new("attribute",
        "Attribute vectors: fit one from labelled seeds (or let a classifier label them), apply it to regenerate edited images.")
    {
        Fit(),
        Apply(),
        ClassifyCommand.Create(),
    };

    private static Command Fit()
    {
        var model = new ModelArguments();
        var with = Optional<string>("--with", "Seeds of images that show the attribute, e.g. 3,7,12-20.");
        var without = Optional<string>("--without", "Seeds of images that do not.");
        var labels = Optional<string>("--labels",
            "A labels file instead: JSON {\"with\": [seeds], \"without\": [seeds], \"balanceWith\": [seeds]}.");
        var method = Make("--method",
            "mean-diff (mean of with minus mean of without), balanced, or svm (InterFaceGAN's boundary normal).", "mean-diff");
        var balanceWith = Optional<string>("--balance-with",
            "balanced: seeds (among the labelled) that show a correlated attribute B, whose share is removed.");
        var name = Make("--name", "A name for the vector.", "attribute");
        var output = Required<string>("--out",
            "The vector file to write: .json, or .pt/.pth for a tensor torch.load reads (its JSON beside it as PATH.json).");
        var command = new Command("fit",
                "Compute v = mean(z with A) - mean(z without A) (or balanced / svm) and report its held-out accuracy and ROC AUC.")
            .With([.. model.All, with, without, labels, method, balanceWith, name, output]);
        command.SetAction(r => CommandRunner.Guard("attribute fit", () =>
        {
            var (seedsWith, seedsWithout, seedsB) = ReadLabels(r, with, without, labels, balanceWith);
            var chosen = Input.UserInput.SupervisedMethod(r.GetValue(method), "--method");
            CheckOutputFile("--out", r.GetValue(output), VectorFile);
            if (seedsB is not null && chosen != AttributeMethod.Balanced)
                throw CommandRunner.Usage("--balance-with is for --method balanced");

            using var loaded = model.Open(r);
            var vector = Generation.ModelVectors.Fit(loaded, r.GetValue(name)!, chosen, seedsWith, seedsWithout, seedsB);
            var validation = vector.Validation!;
            vector.Save(r.GetValue(output)!);
            Console.WriteLine($"{vector.Name} ({DcganJson.Name(chosen)}): {seedsWith.Count} with, {seedsWithout.Count} without; " +
                $"norm {vector.Norm:F3}; " +
                $"{(validation.HeldOut ? $"{validation.Folds}-fold held-out" : "training-set (too few labels to hold out)")} " +
                $"accuracy {validation.Accuracy:P0} (95 % interval {vector.Quality!.AccuracyLow:P0} to {vector.Quality.AccuracyHigh:P0})" +
                $", ROC AUC {validation.RocAuc:F3}; wrote {r.GetValue(output)}");
            Console.WriteLine($"  {vector.Quality.Verdict}");
            return 0;
        }));
        return command;
    }

    private static (IReadOnlyList<long> With, IReadOnlyList<long> Without, HashSet<long>? B) ReadLabels(
        ParseResult r, Option<string?> with, Option<string?> without, Option<string?> labels, Option<string?> balanceWith)
    {
        if (r.GetValue(labels) is { } file)
        {
            if (r.GetValue(with) is not null || r.GetValue(without) is not null)
                throw CommandRunner.Usage("give either --labels or --with/--without, not both");
            if (!File.Exists(file)) throw new FileNotFoundException($"labels file '{file}' does not exist");
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(file));
                long[] Read(string key) =>
                    doc.RootElement.TryGetProperty(key, out var e) ? e.EnumerateArray().Select(x => x.GetInt64()).ToArray() : [];
                var b = Read("balanceWith");
                return (Read("with"), Read("without"), b.Length > 0 ? b.ToHashSet() : null);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
            {
                throw new InvalidDataException($"{file}: expected {{\"with\": [seeds], \"without\": [seeds]}} ({e.Message})");
            }
        }
        var bSeeds = r.GetValue(balanceWith) is { } text ? Input.UserInput.SeedList(text, setting: "--balance-with").ToHashSet() : null;
        if (r.GetValue(with) is null || r.GetValue(without) is null)
            throw CommandRunner.Usage("give --with SEEDS and --without SEEDS (or --labels FILE)");
        return (ModelArguments.Seeds(r, with), ModelArguments.Seeds(r, without), bSeeds);
    }

    private static Command Apply()
    {
        var model = new ModelArguments();
        var vectorFile = Required<string>("--vector",
            "The attribute vector file to add: .json from attribute fit, or a tensor saved by torch.save(v, path).");
        var seed = Make("--seed", "First seed.", 0L);
        var n = Make("--n", "Images (rows): seeds s..s+n-1.", 4);
        var latents = Optional<string>("--latents",
            "Rows of a latents file (.npy or JSON, e.g. from `dcgan invert`) instead of seeds: one strip row each (at most 64).");
        var strengths = Make("--strengths", "Strengths (columns), comma-separated.", "-2,-1,0,1,2");
        var unit = Make("--unit", "Strengths in units of the normalised direction.", false);
        var keepNorm = Make("--keep-norm", "Rescale each edited z to its original norm (stays on the prior's shell).", false);
        var condition = new Option<string[]>("--condition")
        {
            Description = "Vector files whose attributes must stay: their components are removed first.",
            AllowMultipleArgumentsPerToken = true
        };
        var force = Make("--force", "Apply a vector made for another model (warns).", false);
        var output = Required<string>("--out", "The strip to write (.png): one row per image, one column per strength.");
        var command = new Command("apply", "Regenerate images with z + s * v for each strength s, side by side with the original.")
            .With([.. model.All, vectorFile, seed, n, latents, strengths, unit, keepNorm, condition, force, output]);
        command.SetAction(r => CommandRunner.Guard("attribute apply", () =>
        {
            int count = r.GetValue(n);
            if (count is < 1 or > 64) throw CommandRunner.Usage($"--n must be between 1 and 64 (got {count})");
            CheckOutputFile("--out", r.GetValue(output), PngFile);
            if (r.GetValue(latents) is { } latentsFile && !File.Exists(latentsFile))
                throw CommandRunner.Usage($"--latents: '{latentsFile}' " + (Directory.Exists(latentsFile) ? "is a folder" : "does not exist") +
                    "; give a latents file (.npy or JSON, from `dcgan invert` or `sample --save-latents`), or leave it out to edit " +
                    "seeds (--seed, --n)");
            var s = Input.UserInput.Strengths(r.GetValue(strengths), "--strengths");
            using var loaded = model.Open(r);
            var warn = (string line) => Console.Error.WriteLine(line);
            var vector = loaded.LoadVector(r.GetValue(vectorFile)!, r.GetValue(force), warn);
            var conditions = (r.GetValue(condition) ?? []).Select(f => loaded.LoadVector(f, r.GetValue(force), warn)).ToList();
            var seeds = Enumerable.Range(0, count).Select(i => r.GetValue(seed) + i).ToList();
            using var z = r.GetValue(latents) is { } file
                ? ModelArguments.SeedsOrLatents(loaded, file, "--latents", 64)
                : loaded.LatentsFor(seeds);
            Png.Save(Generation.Figures.Strip(z, vector, s, conditions, r.GetValue(unit), r.GetValue(keepNorm)).Draw(loaded.Sampler),
                r.GetValue(output)!);
            Console.WriteLine($"{z.shape[0]} image(s) x strengths {string.Join(", ", s)} along '{vector.Name}'" +
                $"{(conditions.Count > 0 ? $", conditioned on {conditions.Count} vector(s)" : "")}; wrote {r.GetValue(output)}");
            return 0;
        }));
        return command;
    }
}
