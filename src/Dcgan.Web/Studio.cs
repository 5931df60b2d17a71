using System.Collections.Concurrent;
using Dcgan.Generation;
using Dcgan.Latent;
using Dcgan.Training;

namespace Dcgan.Web;

/// <summary>
/// The server's state: the model being served and the named vectors made or uploaded in this session. Only files
/// under the runs and models folders (or the one checkpoint named at start) are ever read.
/// </summary>
public sealed class Studio : IDisposable
{
    private readonly object gate = new();
    private readonly string? namedCheckpoint;
    private LoadedModel model;

    public StudioOptions Options { get; }
    public string RunsDir { get; }
    public ConcurrentDictionary<string, AttributeVector> Vectors { get; } = new(StringComparer.Ordinal);

    public Studio(StudioOptions options)
    {
        Options = options;
        RunsDir = Path.GetFullPath(options.RunsDir);
        model = LoadedModel.Open(options.Checkpoint ?? DefaultModel(), options.Device);
        namedCheckpoint = options.Checkpoint is null ? null : Path.GetFullPath(model.Path);
    }

    public LoadedModel Model { get { lock (gate) return model; } }

    /// <summary>The models a person may pick: the bundled one, the named one, the newest checkpoint of each run, and models in the models folder.</summary>
    public IReadOnlyList<string> AvailableModels()
    {
        var list = new List<string>();
        if (File.Exists(ModelLoader.BundledModelPath)) list.Add(ModelLoader.BundledModelPath);
        if (namedCheckpoint is not null && File.Exists(namedCheckpoint)) list.Add(namedCheckpoint);
        if (Directory.Exists(RunsDir))
            foreach (var run in Directory.GetDirectories(RunsDir).Order(StringComparer.Ordinal))
                if (Checkpoint.List(run).LastOrDefault() is { } newest) list.Add(Path.GetFullPath(newest));
        if (Options.ModelsDir is { } dir && Directory.Exists(dir))
            list.AddRange(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".pth") || f.EndsWith(".ckpt")).Select(Path.GetFullPath).Order(StringComparer.Ordinal));
        return list.Distinct().ToList();
    }

    /// <summary>Switches the served model; only a path from <see cref="AvailableModels"/> is accepted.</summary>
    public LoadedModel Select(string path)
    {
        string full = Path.GetFullPath(path);
        if (!AvailableModels().Contains(full)) throw new ArgumentException($"path: '{path}' is not one of the models this server offers (GET /api/models)");
        var next = LoadedModel.Open(full, Options.Device);
        lock (gate)
        {
            // The old model is left to the garbage collector: requests in flight may still be drawing with it.
            model = next;
            Vectors.Clear(); // vectors belong to a model
            return next;
        }
    }

    public AttributeVector GetVector(string name) =>
        Vectors.TryGetValue(CheckName(name, "vector"), out var v) ? v : throw new KeyNotFoundException($"vector: no vector named '{name}' (GET /api/vectors lists them)");

    /// <summary>Names of vectors and runs: letters, digits, '.', '_', '-', at most 64; never a path.</summary>
    public static string CheckName(string name, string parameter) => AttributeVector.CheckName(name, parameter);

    /// <summary>A run directory under the runs folder, by name.</summary>
    public string RunPath(string name)
    {
        string path = Path.Combine(RunsDir, CheckName(name, "run"));
        return Directory.Exists(path) ? path : throw new KeyNotFoundException($"run: no run named '{name}' under {Options.RunsDir}");
    }

    private string DefaultModel()
    {
        if (File.Exists(ModelLoader.BundledModelPath)) return ModelLoader.BundledModelPath;
        var newest = Directory.Exists(RunsDir)
            ? Directory.GetDirectories(RunsDir).Select(d => Checkpoint.List(d).LastOrDefault()).Where(c => c is not null)
                .OrderByDescending(c => File.GetLastWriteTimeUtc(c!)).FirstOrDefault()
            : null;
        return newest ?? throw new FileNotFoundException($"nothing to serve: no --checkpoint, no bundled model and no run with a checkpoint under {Options.RunsDir}; train one with ./dcgan train");
    }

    public void Dispose() => model.Dispose();
}
