using Dcgan.Generation;

namespace Dcgan.Web;

/// <summary>A loaded generator with its batching renderer and its vectors.</summary>
internal sealed class ServedModel(ModelEntry entry, LoadedModel model, BatchedRenderer renderer, VectorStore vectors)
{
    public ModelEntry Entry { get; } = entry;
    public LoadedModel Model { get; } = model;
    public BatchedRenderer Renderer { get; } = renderer;
    public VectorStore Vectors { get; } = vectors;
}

/// <summary>
/// The models kept loaded, most recently used first, at most <paramref name="capacity"/>. Concurrent first requests for one
/// model share a single load (the others wait for it), so no request opens a model (and starts a renderer thread) that
/// is then thrown away; a load that fails is forgotten, so the next request tries again.
/// </summary>
internal sealed class LoadedModelCache(int capacity, Func<ModelEntry, ServedModel> load) : IDisposable
{
    private readonly object gate = new();
    private readonly LinkedList<ServedModel> loaded = new(); // most recently used first
    private readonly Dictionary<string, Lazy<ServedModel>> loading = new(StringComparer.Ordinal);
    private long loads;
    private bool disposed;

    /// <summary>The model of this entry, loaded once.</summary>
    public ServedModel Get(ModelEntry entry)
    {
        Lazy<ServedModel> pending;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (Find(entry.Id) is { } node)
            {
                loaded.Remove(node);
                loaded.AddFirst(node);
                return node.Value;
            }
            if (!loading.TryGetValue(entry.Id, out pending!))
                loading[entry.Id] = pending = new Lazy<ServedModel>(() => load(entry), LazyThreadSafetyMode.ExecutionAndPublication);
        }
        ServedModel served;
        try { served = pending.Value; }
        catch
        {
            lock (gate) if (loading.TryGetValue(entry.Id, out var failed) && failed == pending) loading.Remove(entry.Id);
            throw;
        }
        lock (gate)
        {
            if (disposed)
            {
                // The studio stopped while this model loaded: nothing will ever dispose it if it is not done here.
                served.Renderer.Dispose();
                served.Model.Dispose();
                throw new ObjectDisposedException(nameof(LoadedModelCache));
            }
            if (loading.TryGetValue(entry.Id, out var current) && current == pending)
            {
                loading.Remove(entry.Id);
                loads++;
                loaded.AddFirst(served);
                // The dropped model's renderer stops; the model itself is left to the garbage collector, since requests in
                // flight may still be drawing with it.
                while (loaded.Count > capacity)
                {
                    loaded.Last!.Value.Renderer.Dispose();
                    loaded.RemoveLast();
                }
            }
            else if (Find(entry.Id) is { } node) served = node.Value;
        }
        return served;
    }

    public int Count { get { lock (gate) return loaded.Count; } }

    /// <summary>Models loaded since the start (a model loaded again after being dropped counts again).</summary>
    public long Loads { get { lock (gate) return loads; } }

    /// <summary>Forward passes of G and images drawn by the loaded models.</summary>
    public (long Batches, long Images) Drawn
    {
        get
        {
            lock (gate)
                return loaded.Select(m => m.Renderer.Drawn).Aggregate((0L, 0L), (sum, d) => (sum.Item1 + d.Batches, sum.Item2 + d.Images));
        }
    }

    private LinkedListNode<ServedModel>? Find(string id)
    {
        for (var node = loaded.First; node is not null; node = node.Next)
            if (node.Value.Entry.Id == id) return node;
        return null;
    }

    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            foreach (var served in loaded)
            {
                served.Renderer.Dispose();
                served.Model.Dispose();
            }
            loaded.Clear();
        }
    }
}
