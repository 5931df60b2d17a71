using Dcgan.Generation;

namespace Dcgan.Web;

/// <summary>
/// What the endpoints ask for a model: the catalog (which models are on offer, by id), the cache of loaded models, and
/// each model's vectors (kept by id, so they outlive the model being dropped from the cache).
/// </summary>
internal sealed class ModelRegistry : IDisposable
{
    private readonly StudioOptions options;
    private readonly ModelCatalog catalog;
    private readonly LoadedModelCache cache;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, VectorStore> vectors = new(StringComparer.Ordinal);

    public RunsFolder Runs { get; }

    public ModelRegistry(StudioOptions options)
    {
        options.Check();
        this.options = options;
        Runs = new RunsFolder(options.RunsDir);
        catalog = new ModelCatalog(options.Checkpoint, Runs, options.ModelsDir);
        cache = new LoadedModelCache(options.LoadedModels, Load);
        if (List().Count == 0)
            throw new FileNotFoundException("nothing to serve: no --checkpoint, no bundled model and no run with a checkpoint " +
                $"under {options.RunsDir}; train one with ./dcgan train");
    }

    /// <summary>The models on offer now, the default first (the named checkpoint, else the bundled emoji model, else the newest run).</summary>
    public IReadOnlyList<ModelEntry> List() => catalog.List();

    /// <summary>The models on offer now, and the files left out with the reason (a run is then offered at an older checkpoint).</summary>
    public (IReadOnlyList<ModelEntry> Models, IReadOnlyList<LeftOutModel> LeftOut) Listing() => catalog.Listing();

    /// <summary>The model with this id: loaded (or kept) and ready to draw.</summary>
    public ServedModel Get(string id)
    {
        if (id.Length != ModelCatalog.IdLength || !id.All(Uri.IsHexDigit))
            throw new InputException("model", InputProblem.Invalid, $": '{id}' is not a model id ({ModelCatalog.IdLength} hex digits; GET /api/models lists them)");
        if (!catalog.TryKnown(id, out var entry)) catalog.List(); // a checkpoint written since the last listing
        if (!catalog.TryKnown(id, out entry))
            throw new InputException("model", InputProblem.NotFound, $": no model with id '{id}' (GET /api/models lists them)");
        return cache.Get(entry);
    }

    private ServedModel Load(ModelEntry entry)
    {
        var model = LoadedModel.Open(entry.Path, options.Device, precision: options.Precision);
        if (!model.Hash.StartsWith(entry.Id, StringComparison.Ordinal))
        {
            model.Dispose();
            throw new InputException("model", InputProblem.NotFound, $": the file of model '{entry.Id}' ({entry.Label}) has changed since it was listed; " +
                "pick it again from GET /api/models");
        }
        return new ServedModel(entry, model, new BatchedRenderer(model.Sampler, options.MaxBatch, options.BatchWindow),
            vectors.GetOrAdd(entry.Id, _ => new VectorStore()));
    }

    public int LoadedCount => cache.Count;

    /// <summary>Models loaded since the start: concurrent first requests for one model load it once.</summary>
    public long Loads => cache.Loads;

    /// <summary>Forward passes of G and images drawn by the loaded models (a mean batch above 1 means requests were batched).</summary>
    public (long Batches, long Images) Drawn => cache.Drawn;

    public void Dispose() => cache.Dispose();
}
