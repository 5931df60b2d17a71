using Dcgan.Generation;
using Dcgan.Models;
using Dcgan.Training;

namespace Dcgan.Web;

/// <summary>
/// A model a page may pick: its id (the start of its weights' hash) and where it comes from; for a run's checkpoint, the
/// run's name (the page offers "the run's latest", which follows the run as it saves).
/// </summary>
internal sealed record ModelEntry(string Id, string Label, string Source, string Path, ModelOptions Options, DateTime Modified,
    string? Run = null);

/// <summary>A file that would have been offered but does not read back as a model, and why (damaged, half written...).</summary>
internal sealed record LeftOutModel(string Label, string Path, string Reason);

/// <summary>
/// Which models the studio offers, addressed by content: the one named at start, the bundled models, the newest
/// checkpoint of each run that reads back whole, and the files of the models folder, listed anew on each call so the
/// picker follows the folders. Each file is read once per version (length and time) to learn its id; a file that does
/// not read is remembered with its reason. Only files under these places are ever read.
/// </summary>
internal sealed class ModelCatalog
{
    public const int IdLength = 16;
    private readonly object gate = new();
    private readonly string? namedCheckpoint;
    private readonly string? modelsDir;
    private readonly RunsFolder runsFolder;
    private readonly Dictionary<string, (long Length, DateTime Modified, ModelEntry Entry)> described = new(StringComparer.Ordinal);
    // Files that failed, per version: a damaged checkpoint is read once, not on every listing.
    private readonly Dictionary<string, (long Length, DateTime Modified, string Reason)> refused = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ModelEntry> known = new(StringComparer.Ordinal);

    /// <summary>The catalog of these places; a named checkpoint that does not read back is refused with the reason.</summary>
    public ModelCatalog(string? checkpoint, RunsFolder runsFolder, string? modelsDir)
    {
        this.runsFolder = runsFolder;
        this.modelsDir = modelsDir;
        if (checkpoint is { } named)
        {
            namedCheckpoint = Path.GetFullPath(PyTorchOrCheckpoint(ModelLoader.ResolveOrBundled(named)));
            // A named model that does not read is an error to report, not a reason to serve another one.
            if (Describe(namedCheckpoint, "checkpoint", "checkpoint") is { Reason: { } reason })
                throw new InvalidDataException($"--checkpoint {named} does not read back as a model: {reason}");
        }
    }

    /// <summary>The models on offer now, the default first (the named checkpoint, else the bundled emoji model, else the newest run).</summary>
    public IReadOnlyList<ModelEntry> List() => Listing().Models;

    /// <summary>The models on offer now, and the files left out with the reason (a run is then offered at an older checkpoint).</summary>
    public (IReadOnlyList<ModelEntry> Models, IReadOnlyList<LeftOutModel> LeftOut) Listing()
    {
        var entries = new List<ModelEntry>();
        var leftOut = new List<LeftOutModel>();
        var offered = new HashSet<string>();
        foreach (var (path, label, source, group, run) in Candidates())
        {
            if (offered.Contains(group)) continue; // a run is offered once: its newest checkpoint that reads back whole
            var (entry, reason) = Describe(path, label, source, run);
            if (entry is not null)
            {
                entries.Add(entry);
                offered.Add(group);
            }
            else if (reason is not null)
                leftOut.Add(new LeftOutModel(label, path, reason));
        }
        return (entries.DistinctBy(e => e.Id).ToList(), leftOut);
    }

    /// <summary>The entry listed with this id, while its file is there.</summary>
    public bool TryKnown(string id, out ModelEntry entry)
    {
        lock (gate)
        {
            if (known.TryGetValue(id, out entry!) && File.Exists(entry.Path)) return true;
            return false;
        }
    }

    /// <summary>
    /// Reads a file's generator once per version of the file (length and time) to learn its id; a file that does not
    /// read gives the reason instead (none if it has gone since it was listed).
    /// </summary>
    private (ModelEntry? Entry, string? Reason) Describe(string path, string label, string source, string? run = null)
    {
        FileInfo info;
        try
        {
            info = new FileInfo(path);
            info.Refresh();
            lock (gate)
            {
                if (described.TryGetValue(path, out var seen) && seen.Length == info.Length && seen.Modified == info.LastWriteTimeUtc)
                    return (seen.Entry with { Label = label, Source = source, Run = run }, null);
                if (refused.TryGetValue(path, out var failed) && failed.Length == info.Length && failed.Modified == info.LastWriteTimeUtc)
                    return (null, failed.Reason);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, null);
        }
        try
        {
            using var model = LoadedModel.Open(path, "cpu");
            var entry = new ModelEntry(model.Hash[..IdLength], label, source, path, model.Options, info.LastWriteTimeUtc, run);
            lock (gate)
            {
                described[path] = (info.Length, info.LastWriteTimeUtc, entry);
                refused.Remove(path);
                known[entry.Id] = entry;
            }
            return (entry, null);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException
                                       or System.Text.Json.JsonException or System.Runtime.InteropServices.ExternalException)
        {
            // A file being written or a damaged file is left out (a run then offers its checkpoint before); the others are
            // served. The refusal is kept for this version of the file, unless the file changed in the last 2 s: a rewrite
            // within the file system's time resolution must not stay refused (git's "racily clean" rule).
            if (DateTime.UtcNow - info.LastWriteTimeUtc > TimeSpan.FromSeconds(2))
                lock (gate) refused[path] = (info.Length, info.LastWriteTimeUtc, e.Message);
            return (null, e.Message);
        }
    }

    /// <summary>Files that may be offered, each with its group: a run's checkpoints, newest first, share the run's.</summary>
    private IEnumerable<(string Path, string Label, string Source, string Group, string? Run)> Candidates()
    {
        if (namedCheckpoint is not null && File.Exists(namedCheckpoint))
        {
            var bundledName = ModelLoader.BundledModels().FirstOrDefault(m => Path.GetFullPath(m.Path) == namedCheckpoint).Name;
            yield return (namedCheckpoint, bundledName is null ? Relative(namedCheckpoint) : "bundled: " + bundledName, "checkpoint",
                namedCheckpoint, null);
        }
        foreach (var (name, path) in ModelLoader.BundledModels())
            yield return (path, "bundled: " + name, "bundled", path, null);
        {
            var runs = runsFolder.Runs()
                .Select(d => (Name: Path.GetFileName(d), Checkpoints: Checkpoint.List(d)))
                .Where(r => r.Checkpoints.Count > 0)
                .OrderByDescending(r => File.GetLastWriteTimeUtc(r.Checkpoints[^1]));
            foreach (var (name, checkpoints) in runs)
                foreach (var checkpoint in checkpoints.Reverse())
                    yield return (Path.GetFullPath(checkpoint), $"run {name}: {Path.GetFileNameWithoutExtension(checkpoint)}", "run",
                        "run " + name, name);
        }
        if (modelsDir is { } dir && Directory.Exists(dir))
            // Each real file once, links followed but never round a loop (a folder linked into itself would never end).
            foreach (var file in Data.FileWalk.Files(dir, f => f.EndsWith(".pth") || f.EndsWith(".ckpt")))
                yield return (file, $"models: {Path.GetRelativePath(Path.GetFullPath(dir), file)}", "models", file, null);
    }

    internal static string PyTorchOrCheckpoint(string path) =>
        Interop.PyTorchStateDict.IsPyTorchFile(path) ? path : Checkpoint.Resolve(path);

    private static string Relative(string path) => Path.GetRelativePath(Environment.CurrentDirectory, path);

}
