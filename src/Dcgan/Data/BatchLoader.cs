namespace Dcgan.Data;

/// <summary>
/// Which images make up step N's batch: each epoch is a fresh permutation derived from (seed, epoch), so the batch
/// of a step never depends on history and a resumed run sees the same data. The last batch of an epoch may be
/// smaller, as with PyTorch's DataLoader. Gathering the next batch overlaps the current step.
/// </summary>
internal sealed class BatchLoader : IDisposable
{
    private readonly PixelCache cache;
    private readonly long seed;
    private int[]? permutation;
    private long permutationEpoch = -1;
    private (long Step, Task<byte[]> Batch)? pending;

    public int BatchSize { get; }
    public int StepsPerEpoch { get; }

    public BatchLoader(PixelCache cache, int batchSize, long seed)
    {
        if (cache.Count == 0) throw new ArgumentException("the data set has no images");
        this.cache = cache;
        this.seed = seed;
        BatchSize = batchSize;
        StepsPerEpoch = (cache.Count + batchSize - 1) / batchSize;
    }

    public long EpochOf(long step) => step / StepsPerEpoch;

    public int[] IndicesFor(long step)
    {
        long epoch = EpochOf(step);
        lock (cache)
        {
            if (permutationEpoch != epoch)
            {
                permutation = SeedMixer.Permutation(cache.Count, SeedMixer.Mix(seed, RandomStream.Shuffle, (ulong)epoch));
                permutationEpoch = epoch;
            }
            int start = (int)(step % StepsPerEpoch) * BatchSize;
            return permutation![start..Math.Min(start + BatchSize, cache.Count)];
        }
    }

    /// <summary>The pixels of step's batch as (N, C, H, W) bytes; starts gathering step + 1 in the background.</summary>
    public byte[] Take(long step, out int count)
    {
        var batch = pending is { } p && p.Step == step ? p.Batch.Result : Gather(step);
        pending = (step + 1, Task.Run(() => Gather(step + 1)));
        count = batch.Length / cache.ImageBytes;
        return batch;
    }

    private byte[] Gather(long step) => cache.Gather(IndicesFor(step));

    public void Dispose() => pending?.Batch.Wait();
}
