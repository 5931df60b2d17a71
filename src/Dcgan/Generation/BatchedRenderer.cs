using System.Threading.Channels;
using Dcgan.Imaging;

namespace Dcgan.Generation;

/// <summary>
/// Dynamic batching for a server: figures requested at about the same time are drawn by one forward pass of G.
/// A worker takes the first waiting request, gathers whatever else arrives within a short bounded window (up to
/// <c>maxBatch</c> images), runs G once and hands each request its images. G runs in eval mode, so an image depends
/// only on its own z and every answer is the same bytes as drawing it alone. maxBatch 1 is the serial path:
/// each request draws on its own thread, one forward at a time.
/// </summary>
internal sealed class BatchedRenderer : IDisposable
{
    private sealed record Request(Figure Figure, TaskCompletionSource<PixelImage> Done);

    private readonly ImageSampler sampler;
    private readonly int maxBatch;
    private readonly TimeSpan window;
    private readonly Channel<Request>? queue;
    private readonly Thread? worker;

    public BatchedRenderer(ImageSampler sampler, int maxBatch, TimeSpan? window = null)
    {
        if (maxBatch is < 1 or > 1024) throw new InputException("maxBatch", InputProblem.OutOfRange, $"must be between 1 and 1024 (got {maxBatch})");
        this.sampler = sampler;
        this.maxBatch = maxBatch;
        this.window = window ?? TimeSpan.FromMilliseconds(2);
        if (maxBatch == 1) return;
        queue = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });
        worker = new Thread(Work) { IsBackground = true, Name = "dcgan-batched-renderer" };
        worker.Start();
    }

    private long batches, images;

    /// <summary>Forward passes of G run so far, and the images they drew (their ratio is the mean batch).</summary>
    public (long Batches, long Images) Drawn => (Interlocked.Read(ref batches), Interlocked.Read(ref images));

    public Task<PixelImage> DrawAsync(Figure figure, CancellationToken cancel = default)
    {
        if (queue is null) return Task.FromResult(DrawAlone(figure));
        var request = new Request(figure, new TaskCompletionSource<PixelImage>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!queue.Writer.TryWrite(request)) return Task.FromResult(DrawAlone(figure)); // disposed
        return request.Done.Task.WaitAsync(cancel);
    }

    private PixelImage DrawAlone(Figure figure)
    {
        Count(figure.Count);
        return figure.Draw(sampler);
    }

    private void Count(int drawn)
    {
        Interlocked.Increment(ref batches);
        Interlocked.Add(ref images, drawn);
    }

    private void Work()
    {
        var reader = queue!.Reader;
        var batch = new List<Request>();
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            batch.Clear();
            int images = 0;
            var deadline = DateTime.UtcNow + window;
            // Take what is waiting; then wait up to the window for more while the batch has room.
            while (images < maxBatch)
            {
                if (reader.TryPeek(out var next))
                {
                    if (batch.Count > 0 && images + next.Figure.Count > maxBatch) break;
                    reader.TryRead(out _);
                    batch.Add(next);
                    images += next.Figure.Count;
                    continue;
                }
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero) break;
                using var timeout = new CancellationTokenSource(left);
                try { if (!reader.WaitToReadAsync(timeout.Token).AsTask().GetAwaiter().GetResult()) break; }
                catch (OperationCanceledException) { break; }
            }
            Draw(batch, images);
        }
    }

    private void Draw(List<Request> batch, int images)
    {
        try
        {
            var latents = new float[batch.Sum(r => r.Figure.Latents.Length)];
            int offset = 0;
            foreach (var r in batch)
            {
                r.Figure.Latents.CopyTo(latents, offset);
                offset += r.Figure.Latents.Length;
            }
            var drawn = sampler.Render(latents, images);
            Count(images);
            int first = 0;
            foreach (var r in batch)
            {
                // Each layout runs on the request's own continuation, not on this thread, so G is never kept waiting.
                var mine = drawn.Skip(first).Take(r.Figure.Count).ToList();
                first += r.Figure.Count;
                Task.Run(() =>
                {
                    try { r.Done.TrySetResult(r.Figure.Compose(mine)); }
                    catch (Exception e) { r.Done.TrySetException(e); }
                });
            }
        }
        catch (Exception e)
        {
            foreach (var r in batch) r.Done.TrySetException(e);
        }
    }

    public void Dispose() => queue?.Writer.TryComplete();
}
