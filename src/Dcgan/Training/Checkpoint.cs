using System.IO.Compression;
using Dcgan.Imaging;
using Dcgan.Models;
using TorchSharp.Modules;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Dcgan.Training;

/// <summary>Where a run stands: steps done, the epoch, and the global random state (all step noise is derived from the seed).</summary>
internal sealed record CheckpointState(long Step, long Epoch, string GlobalRngState, DateTimeOffset SavedAt)
{
    /// <summary>The adaptive augmentation's p and pending signal (--augment-p auto); absent in older checkpoints.</summary>
    public AugmentState? Augment { get; init; }
}

/// <summary>
/// One file per checkpoint: a zip holding config.json, state.json and PyTorch-format state_dicts (netG.pth, netD.pth,
/// optimG.pth, optimD.pth), so the weights inside are readable by PyTorch too. Written to a temporary file and
/// renamed: a kill at any moment leaves the previous checkpoint intact.
/// </summary>
internal static class Checkpoint
{
    public const string Extension = ".ckpt";
    public const string Folder = "checkpoints";
    private const string ConfigEntry = "config.json", StateEntry = "state.json";
    private const string GeneratorEntry = "netG.pth", DiscriminatorEntry = "netD.pth", GeneratorEmaEntry = "netG_ema.pth";
    private const string GeneratorOptimizerEntry = "optimG.pth", DiscriminatorOptimizerEntry = "optimD.pth";

    public static string PathFor(string runDir, long step) => System.IO.Path.Combine(runDir, Folder, $"step-{step:D7}{Extension}");

    public static void Save(string path, TrainingOptions options, CheckpointState state,
        nn.Module generator, nn.Module discriminator, OptimizerHelper generatorOptimizer, OptimizerHelper discriminatorOptimizer,
        nn.Module? generatorEma = null)
    {
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            WriteEntry(zip, ConfigEntry, s => s.Write(System.Text.Encoding.UTF8.GetBytes(DcganJson.Serialize(options))));
            WriteEntry(zip, StateEntry, s => s.Write(System.Text.Encoding.UTF8.GetBytes(DcganJson.Serialize(state))));
            WriteEntry(zip, GeneratorEntry, s => generator.save_py(s, leaveOpen: true));
            WriteEntry(zip, DiscriminatorEntry, s => discriminator.save_py(s, leaveOpen: true));
            WriteEntry(zip, GeneratorOptimizerEntry, s => generatorOptimizer.save_py(s, leaveOpen: true));
            WriteEntry(zip, DiscriminatorOptimizerEntry, s => discriminatorOptimizer.save_py(s, leaveOpen: true));
            if (generatorEma is not null) WriteEntry(zip, GeneratorEmaEntry, s => generatorEma.save_py(s, leaveOpen: true));
        });
    }

    public static TrainingOptions ReadOptions(string path)
    {
        string json = ReadText(path, ConfigEntry);
        var options = DcganJson.Deserialize<TrainingOptions>(json, $"{path}: {ConfigEntry}");
        // A translating run saved before the shift was a setting: those builds shifted by half the paper's amount.
        bool legacyShift = options.Augment.HasFlag(AugmentPolicy.Translation)
            && System.Text.Json.Nodes.JsonNode.Parse(json) is System.Text.Json.Nodes.JsonObject config
            && !config.ContainsKey("augmentTranslation");
        return legacyShift ? options with { AugmentTranslation = DiffAugment.LegacyTranslationRatio } : options;
    }

    public static CheckpointState ReadState(string path) =>
        DcganJson.Deserialize<CheckpointState>(ReadText(path, StateEntry), $"{path}: {StateEntry}");

    public static void LoadGenerator(string path, nn.Module generator) => LoadModule(path, GeneratorEntry, generator);

    /// <summary>Loads the moving average of G where the run kept one (--ema); false where it did not.</summary>
    public static bool TryLoadGeneratorEma(string path, nn.Module generator)
    {
        using (var zip = OpenZip(path)) if (zip.GetEntry(GeneratorEmaEntry) is null) return false;
        LoadModule(path, GeneratorEmaEntry, generator);
        return true;
    }

    public static void LoadDiscriminator(string path, nn.Module discriminator) => LoadModule(path, DiscriminatorEntry, discriminator);

    public static void LoadAll(string path, nn.Module generator, nn.Module discriminator, OptimizerHelper generatorOptimizer,
        OptimizerHelper discriminatorOptimizer, nn.Module? generatorEma = null)
    {
        if (generatorEma is not null && !TryLoadGeneratorEma(path, generatorEma))
            throw new InvalidDataException($"{path} has no {GeneratorEmaEntry} although the run keeps an EMA of G");
        LoadModule(path, GeneratorEntry, generator);
        LoadModule(path, DiscriminatorEntry, discriminator);
        using (var s = ReadEntry(path, GeneratorOptimizerEntry)) generatorOptimizer.load_py(s);
        using (var s = ReadEntry(path, DiscriminatorOptimizerEntry)) discriminatorOptimizer.load_py(s);
    }

    /// <summary>
    /// A checkpoint file as it is, or a run directory's newest checkpoint that reads back whole (every entry's checksum and
    /// its settings, already checked on return): an empty, truncated or damaged newer file is passed over, and said to
    /// <paramref name="passedOver"/>, so that a run killed while its disk filled is still resumed and served from its last
    /// good state. Where none reads back, the oldest one's fault is the error.
    /// </summary>
    public static string Resolve(string checkpointOrRunDir, Action<string>? passedOver = null)
    {
        if (File.Exists(checkpointOrRunDir)) return checkpointOrRunDir;
        if (!Directory.Exists(checkpointOrRunDir))
            throw new FileNotFoundException($"checkpoint '{checkpointOrRunDir}' does not exist: give a {Extension} file or a run directory");
        var checkpoints = List(checkpointOrRunDir);
        if (checkpoints.Count == 0)
            throw new FileNotFoundException($"run directory '{checkpointOrRunDir}' has no checkpoints yet " +
                $"(looked in {System.IO.Path.Combine(checkpointOrRunDir, Folder)})");
        for (int i = checkpoints.Count - 1; ; i--)
        {
            try
            {
                CheckWhole(checkpoints[i]);
                return checkpoints[i];
            }
            catch (Exception e) when (i > 0 && IsDamage(e))
            {
                passedOver?.Invoke($"{System.IO.Path.GetFileName(checkpoints[i])} is damaged and is passed over ({e.Message}); " +
                    $"using {System.IO.Path.GetFileName(checkpoints[i - 1])}");
            }
        }
    }

    /// <summary>
    /// Throws unless the file reads back whole: every entry against its checksum, its settings and its state. What a
    /// resume and the pruning of old checkpoints both judge a file by (<see cref="IsDamage"/> says which errors mean damage).
    /// </summary>
    public static void CheckWhole(string path)
    {
        Verify(path);
        ReadOptions(path);
        ReadState(path);
    }

    /// <summary>The errors by which <see cref="CheckWhole"/> finds a damaged file (anything else is not the file's fault).</summary>
    public static bool IsDamage(Exception e) => e is InvalidDataException or System.Text.Json.JsonException;

    /// <summary>The run's checkpoints, oldest first (names sort by step).</summary>
    public static IReadOnlyList<string> List(string runDir)
    {
        string folder = System.IO.Path.Combine(runDir, Folder);
        return Directory.Exists(folder)
            ? Directory.GetFiles(folder, "step-*" + Extension).Order(StringComparer.Ordinal).ToList()
            : [];
    }

    private static void LoadModule(string path, string entry, nn.Module module)
    {
        // Read, then copied key by key with every shape checked: PyBridge's own load_py would fill a larger
        // parameter from a smaller saved one without a word (it reads the saved bytes into a strided view).
        using var scope = NewDisposeScope();
        using var stream = ReadEntry(path, entry);
        var state = Interop.PyTorchStateDict.Read(stream, $"{path}: {entry}");
        Interop.PyTorchStateDict.LoadInto(module, state, $"{path}: {entry}", "the weights do not fit the model its config.json describes");
    }

    private static void WriteEntry(ZipArchive zip, string name, Action<Stream> write)
    {
        // PyBridge writes a zip of its own and needs a seekable stream: buffer, then store uncompressed.
        using var buffer = new MemoryStream();
        write(buffer);
        using var entry = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        buffer.Position = 0;
        buffer.CopyTo(entry);
    }

    private static MemoryStream ReadEntry(string path, string name)
    {
        using var zip = OpenZip(path);
        var entry = zip.GetEntry(name)
            ?? throw new InvalidDataException($"{path} is not a complete DCGAN Studio checkpoint: it has no {name}");
        var buffer = new MemoryStream();
        try { using (var s = entry.Open()) s.CopyTo(buffer); }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException(
                $"{path}: {name} cannot be read ({e.Message}): the checkpoint is damaged; use an earlier one", e);
        }
        // The zip's own checksum of each entry: a flipped byte anywhere is found here, before any weight is used.
        if (Imaging.Crc32.Of(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) != entry.Crc32)
            throw new InvalidDataException($"{path}: {name} does not match its checksum: the checkpoint is damaged; use an earlier one");
        buffer.Position = 0;
        return buffer;
    }


    private static string ReadText(string path, string name)
    {
        using var stream = ReadEntry(path, name);
        return new StreamReader(stream).ReadToEnd();
    }

    /// <summary>
    /// Checks every entry against its checksum, the parts a command does not read too (the optimiser states when
    /// sampling): a damaged file is named as such even where the part in use is intact.
    /// </summary>
    public static void Verify(string path)
    {
        string[] names;
        using (var zip = OpenZip(path)) names = zip.Entries.Select(e => e.FullName).ToArray();
        foreach (string name in names) ReadEntry(path, name).Dispose(); // ReadEntry checks the CRC
    }

    private static ZipArchive OpenZip(string path)
    {
        // The central directory is read on first use of Entries: read it here, so a file cut short near its end is named
        // as one too, not by the zip reader's own words.
        ZipArchive? zip = null;
        try
        {
            zip = ZipFile.OpenRead(path);
            _ = zip.Entries.Count;
            return zip;
        }
        catch (InvalidDataException)
        {
            zip?.Dispose();
            throw new InvalidDataException(
                $"{path} is not a readable DCGAN Studio checkpoint: it is empty, cut short or another kind of file (not a zip archive)");
        }
    }
}
