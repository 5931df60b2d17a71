using Dcgan.Training;

namespace Dcgan.Generation;

/// <summary>Which of a checkpoint's generators to load: the moving average where the run kept one (auto), or the one trained.</summary>
internal enum GeneratorWeights { Auto, Raw, Ema }

/// <summary>
/// Loads a generator for sampling from a checkpoint, a run directory (its newest checkpoint) or a PyTorch .pth state_dict.
/// </summary>
internal static class ModelLoader
{
    /// <summary>The model that ships with the program (models/ in the repository), used when no checkpoint is named.</summary>
    public static string BundledModelPath => Path.Combine(BundledModelsDir, DefaultBundledModel, "netG.pth");

    /// <summary>Where the shipped models are: models/NAME/netG.pth of the repository, copied beside the program.</summary>
    public static string BundledModelsDir => Path.Combine(AppContext.BaseDirectory, "models");

    public const string DefaultBundledModel = "emoji-dcgan";

    /// <summary>Every shipped model by name (models/README.md has each one's card), the default first.</summary>
    public static IReadOnlyList<(string Name, string Path)> BundledModels() =>
        Directory.Exists(BundledModelsDir)
            ? Directory.GetDirectories(BundledModelsDir)
                .Select(d => (Name: System.IO.Path.GetFileName(d), Path: System.IO.Path.Combine(d, "netG.pth")))
                .Where(m => File.Exists(m.Path))
                .OrderBy(m => m.Name != DefaultBundledModel).ThenBy(m => m.Name, StringComparer.Ordinal)
                .ToList()
            : [];

    /// <summary>
    /// The checkpoint to use: the one named (a file, a run directory, or a bundled model's name such as
    /// fashion-mnist-dcgan), else the default bundled model (models/README.md says how each was made).
    /// </summary>
    public static string ResolveOrBundled(string? checkpointOrRunDir, string? bundledPath = null)
    {
        if (!string.IsNullOrWhiteSpace(checkpointOrRunDir))
        {
            if (File.Exists(checkpointOrRunDir)) return checkpointOrRunDir;
            if (Directory.Exists(checkpointOrRunDir))
            {
                // A run directory, or a model's folder such as models/emoji-dcgan (its netG.pth).
                string netG = System.IO.Path.Combine(checkpointOrRunDir, "netG.pth");
                if (Checkpoint.List(checkpointOrRunDir).Count > 0 || !File.Exists(netG)) return checkpointOrRunDir;
                return netG;
            }
            var bundled = BundledModels();
            return bundled.FirstOrDefault(m => m.Name == checkpointOrRunDir).Path
                ?? throw new InputException("checkpoint", InputProblem.NotFound, $"'{checkpointOrRunDir}' does not exist (relative " +
                    $"paths start at {Environment.CurrentDirectory}): give a {Checkpoint.Extension} file, a run directory, a PyTorch netG.pth" +
                    (bundled.Count > 0 ? ", or a bundled model's name (" + string.Join(", ", bundled.Select(m => m.Name)) + ")" : ""));
        }
        bundledPath ??= BundledModelPath;
        return File.Exists(bundledPath)
            ? bundledPath
            : throw new InputException("checkpoint", InputProblem.NotFound, $": none given and the bundled model {bundledPath} is " +
                "missing: name a run's folder or a checkpoint (train one first), or restore models/emoji-dcgan/netG.pth from the " +
                "repository and rebuild");
    }

    public static Models.Generator LoadGenerator(string checkpointOrRunDir, out string resolvedPath,
        GeneratorWeights weights = GeneratorWeights.Auto, Action<string>? passedOver = null)
    {
        if (Interop.PyTorchStateDict.IsPyTorchFile(checkpointOrRunDir))
        {
            if (weights == GeneratorWeights.Ema)
                throw new InputException("weights", InputProblem.Conflict, $"ema: {checkpointOrRunDir} is a single PyTorch state_dict; " +
                    "the moving average is in the checkpoints of a run trained with `emaDecay`");
            resolvedPath = checkpointOrRunDir;
            return Interop.PyTorchStateDict.LoadGenerator(checkpointOrRunDir);
        }
        bool namedFile = File.Exists(checkpointOrRunDir);
        resolvedPath = Checkpoint.Resolve(checkpointOrRunDir, passedOver);
        if (namedFile) Checkpoint.Verify(resolvedPath); // a run directory's choice was verified by Resolve, read once is enough
        var options = Checkpoint.ReadOptions(resolvedPath);
        var generator = new Models.Generator(options.Model);
        try
        {
            // A run that kept a moving average of G (--ema) samples from the average unless asked otherwise: that is
            // what it was kept for.
            bool loadedEma = weights != GeneratorWeights.Raw && Checkpoint.TryLoadGeneratorEma(resolvedPath, generator);
            if (weights == GeneratorWeights.Ema && !loadedEma)
                throw new InputException("weights", InputProblem.Conflict,
                    $"ema: {resolvedPath} holds no moving average of G: it is kept by a run trained with `emaDecay`");
            if (!loadedEma) Checkpoint.LoadGenerator(resolvedPath, generator);
        }
        catch
        {
            generator.Dispose(); // a studio lists damaged files again and again: their native weights must not pile up
            throw;
        }
        generator.eval();
        return generator;
    }
}
