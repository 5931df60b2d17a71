using Dcgan.Generation;
using Dcgan.Models;
using Dcgan.Training;

namespace Dcgan.Web;

/// <summary>A model a page may pick: its id (the start of its weights' hash) and where it comes from.</summary>
public sealed record ModelEntry(string Id, string Label, string Source, string Path, ModelOptions Options, DateTime Modified);

/// <summary>A file that would have been offered but does not read back as a model, and why (damaged, half written...).</summary>
public sealed record LeftOutModel(string Label, string Path, string Reason);

/// <summary>A loaded generator with its batching renderer and its vectors.</summary>
public sealed class ServedModel(ModelEntry entry, LoadedModel model, BatchedRenderer renderer, VectorStore vectors)
{
    public ModelEntry Entry { get; } = entry;
    public LoadedModel Model { get; } = model;
    public BatchedRenderer Renderer { get; } = renderer;
    public VectorStore Vectors { get; } = vectors;
}

/// <summary>
/// Every model the studio offers, addressed by content: the bundled models, the one named at start, the newest
/// checkpoint of each run, and the files of the models folder, listed anew on each request so the picker follows
/// the folders. An id names weights, not a file, so two pages can use two models at once and any URL that names an
/// id keeps meaning the same pictures. Only files under these places are ever read.
/// </summary>
public sealed class ModelRegistry : IDisposable
{
    public const int IdLength = 16;
    private readonly object gate = new();
    private readonly StudioOptions options;
    private readonly string? namedCheckpoint;
    private readonly Dictionary<string, (long Length, DateTime Modified, ModelEntry Entry)> described = new(StringComparer.Ordinal);
    // Files that failed, per version: a damaged checkpoint is read once, not on every listing.
    private readonly Dictionary<string, (long Length, DateTime Modified, string Reason)> refused = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ModelEntry> known = new(StringComparer.Ordinal);
    private readonly Dictionary<string, VectorStore> vectors = new(StringComparer.Ordinal);
    private readonly LinkedList<ServedModel> loaded = new(); // most recently used first

    public string RunsDir { get; }

    public ModelRegistry(StudioOptions options)
    {
        if (options.MaxBatch is < 1 or > 1024)
            throw new ArgumentException($"--max-batch must be between 1 and 1024 (got {options.MaxBatch})");
        if (!(options.BatchWindow.TotalMilliseconds is >= 0 and <= 100))
            throw new ArgumentException($"--batch-wait must be between 0 and 100 ms (got {options.BatchWindow.TotalMilliseconds})");
        this.options = options;
        RunsDir = Path.GetFullPath(options.RunsDir);
        if (options.Checkpoint is { } named)
        {
            namedCheckpoint = Path.GetFullPath(PyTorchOrCheckpoint(ModelLoader.ResolveOrBundled(named)));
            // A named model that does not read is an error to report, not a reason to serve another one.
            if (Describe(namedCheckpoint, "checkpoint", "checkpoint") is { Reason: { } reason })
                throw new InvalidDataException($"--checkpoint {named} does not read back as a model: {reason}");
        }
        if (List().Count == 0)
            throw new FileNotFoundException("nothing to serve: no --checkpoint, no bundled model and no run with a checkpoint " +
                $"under {options.RunsDir}; train one with ./dcgan train");
    }

    /// <summary>The models on offer now, the default first (the named checkpoint, else the bundled emoji model, else the newest run).</summary>
    public IReadOnlyList<ModelEntry> List() => Listing().Models;

    /// <summary>The models on offer now, and the files left out with the reason (a run is then offered at an older checkpoint).</summary>
    public (IReadOnlyList<ModelEntry> Models, IReadOnlyList<LeftOutModel> LeftOut) Listing()
    {
        var entries = new List<ModelEntry>();
        var leftOut = new List<LeftOutModel>();
        var offered = new HashSet<string>();
        foreach (var (path, label, source, group) in Candidates())
        {
            if (offered.Contains(group)) continue; // a run is offered once: its newest checkpoint that reads back whole
            var (entry, reason) = Describe(path, label, source);
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

    /// <summary>The model with this id: loaded (or kept) and ready to draw.</summary>
    public ServedModel Get(string id)
    {
        if (id.Length != IdLength || !id.All(Uri.IsHexDigit))
            throw new ArgumentException($"model: '{id}' is not a model id ({IdLength} hex digits; GET /api/models lists them)");
        lock (gate)
        {
            var node = loaded.First;
            while (node is not null && node.Value.Entry.Id != id) node = node.Next;
            if (node is not null)
            {
                loaded.Remove(node);
                loaded.AddFirst(node);
                return node.Value;
            }
        }
        if (!TryKnown(id, out var entry)) List(); // a checkpoint written since the last listing
        if (!TryKnown(id, out entry))
            throw new KeyNotFoundException($"model: no model with id '{id}' (GET /api/models lists them)");
        var model = LoadedModel.Open(entry.Path, options.Device, precision: options.Precision);
        if (!model.Hash.StartsWith(id, StringComparison.Ordinal))
            throw new KeyNotFoundException($"model: the file of model '{id}' ({entry.Label}) has changed since it was listed; " +
                "pick it again from GET /api/models");
        var served = new ServedModel(entry, model, new BatchedRenderer(model.Sampler, options.MaxBatch, options.BatchWindow),
            VectorsOf(id));
        lock (gate)
        {
            if (loaded.FirstOrDefault(m => m.Entry.Id == id) is { } raced) return raced; // another request loaded it meanwhile
            loaded.AddFirst(served);
            // The dropped model is left to the garbage collector: requests in flight may still be drawing with it.
            while (loaded.Count > options.LoadedModels)
            {
                loaded.Last!.Value.Renderer.Dispose();
                loaded.RemoveLast();
            }
        }
        return served;
    }

    public int LoadedCount { get { lock (gate) return loaded.Count; } }

    /// <summary>Forward passes of G and images drawn by the loaded models (a mean batch above 1 means requests were batched).</summary>
    public (long Batches, long Images) Drawn
    {
        get
        {
            lock (gate)
                return loaded.Select(m => m.Renderer.Drawn).Aggregate((0L, 0L), (sum, d) => (sum.Item1 + d.Batches, sum.Item2 + d.Images));
        }
    }

    private VectorStore VectorsOf(string id)
    {
        lock (gate)
        {
            if (!vectors.TryGetValue(id, out var store)) vectors[id] = store = new VectorStore();
            return store;
        }
    }

    private bool TryKnown(string id, out ModelEntry entry)
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
    private (ModelEntry? Entry, string? Reason) Describe(string path, string label, string source)
    {
        FileInfo info;
        try
        {
            info = new FileInfo(path);
            info.Refresh();
            lock (gate)
            {
                if (described.TryGetValue(path, out var seen) && seen.Length == info.Length && seen.Modified == info.LastWriteTimeUtc)
                    return (seen.Entry with { Label = label, Source = source }, null);
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
            var entry = new ModelEntry(model.Hash[..IdLength], label, source, path, model.Options, info.LastWriteTimeUtc);
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
    private IEnumerable<(string Path, string Label, string Source, string Group)> Candidates()
    {
        if (namedCheckpoint is not null && File.Exists(namedCheckpoint))
        {
            var bundledName = ModelLoader.BundledModels().FirstOrDefault(m => Path.GetFullPath(m.Path) == namedCheckpoint).Name;
            yield return (namedCheckpoint, bundledName is null ? Relative(namedCheckpoint) : "bundled: " + bundledName, "checkpoint",
                namedCheckpoint);
        }
        foreach (var (name, path) in ModelLoader.BundledModels())
            yield return (path, "bundled: " + name, "bundled", path);
        if (Directory.Exists(RunsDir))
        {
            var runs = Directory.GetDirectories(RunsDir)
                .Select(d => (Name: Path.GetFileName(d), Checkpoints: Checkpoint.List(d)))
                .Where(r => r.Checkpoints.Count > 0)
                .OrderByDescending(r => File.GetLastWriteTimeUtc(r.Checkpoints[^1]));
            foreach (var (name, checkpoints) in runs)
                foreach (var checkpoint in checkpoints.Reverse())
                    yield return (Path.GetFullPath(checkpoint), $"run {name}: {Path.GetFileNameWithoutExtension(checkpoint)}", "run",
                        "run " + name);
        }
        if (options.ModelsDir is { } dir && Directory.Exists(dir))
            foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
                         .Where(f => f.EndsWith(".pth") || f.EndsWith(".ckpt")).Select(Path.GetFullPath).Order(StringComparer.Ordinal))
                yield return (file, $"models: {Path.GetRelativePath(Path.GetFullPath(dir), file)}", "models", file);
    }

    private static string PyTorchOrCheckpoint(string path) =>
        Interop.PyTorchStateDict.IsPyTorchFile(path) ? path : Checkpoint.Resolve(path);

    private static string Relative(string path) => Path.GetRelativePath(Environment.CurrentDirectory, path);

    public void Dispose()
    {
        lock (gate)
        {
            foreach (var served in loaded)
            {
                served.Renderer.Dispose();
                served.Model.Dispose();
            }
            loaded.Clear();
        }
    }
}
