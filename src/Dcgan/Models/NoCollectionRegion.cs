using System.Runtime;

namespace Dcgan.Models;

/// <summary>
/// No garbage collection while a block of libtorch calls runs (a training step, an inversion), so that no finalizer
/// frees a native Scalar that a call is still reading. TorchSharp 0.107 makes a fresh Scalar of every number passed to
/// an operation and nothing keeps it alive during the call; its own Adam does so seven times per parameter and step, out
/// of <see cref="KeptScalars"/>' reach. A collection during such a call lets the finalizer free the Scalar mid-call: runs
/// stopped with "Unknown scalar type" and "Expected false to be true". A probe that forces ~60 collections a second
/// beside in-place ops with plain numbers saw 25-32 such errors in 30 s, and none inside regions that held
/// (docs/performance.md).
/// <para>Entering runs one full blocking collection (0.7 ms with 100 MB of small live objects); a Scalar that
/// collection finds is from an earlier block, whose calls have returned. The budget is what may be allocated inside (the
/// runtime keeps it for small and for large objects alike, whichever thread allocates); past it the runtime collects and
/// the region lapses, so the rest of the block runs unprotected, as before. Regions are process-wide and do not nest: while
/// one is open, another Enter gets none (its block is covered by the open one while that lasts).</para>
/// </summary>
internal readonly struct NoCollectionRegion : IDisposable
{
    /// <summary>What a block may allocate besides its data: about 10x a training step without its batch (0.3 to 3.3 MB measured).</summary>
    public const long DefaultBudgetBytes = 32L << 20;

    private static readonly Lock Gate = new();
    private static long entered, lapsed;

    /// <summary>Regions entered so far in this process, and those that lapsed before their end (a block past its budget).</summary>
    public static (long Entered, long Lapsed) Counts => (Interlocked.Read(ref entered), Interlocked.Read(ref lapsed));

    // Every collection counts in generation 0: an unchanged count since entering means this region is the one still open
    // (a lapse collects, and so does another region's start).
    private readonly int collectionsAtStart;
    private readonly bool isOpen;

    private NoCollectionRegion(int collectionsAtStart)
    {
        this.collectionsAtStart = collectionsAtStart;
        isOpen = true;
    }

    /// <summary>Whether this region holds now: open, and no collection has run since it was entered.</summary>
    public bool Holds => isOpen && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion && GC.CollectionCount(0) == collectionsAtStart;

    public static NoCollectionRegion Enter(long budgetBytes = DefaultBudgetBytes)
    {
        lock (Gate)
        {
            if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) return default;
            try
            {
                if (!GC.TryStartNoGCRegion(budgetBytes)) return default;
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentOutOfRangeException)
            {
                return default; // another region opened meanwhile, or a budget the runtime cannot give: unprotected
            }
            Interlocked.Increment(ref entered);
            return new NoCollectionRegion(GC.CollectionCount(0));
        }
    }

    public void Dispose()
    {
        if (!isOpen) return;
        lock (Gate)
        {
            if (!Holds)
            {
                Interlocked.Increment(ref lapsed);
                return;
            }
            try { GC.EndNoGCRegion(); }
            catch (InvalidOperationException) { Interlocked.Increment(ref lapsed); } // it lapsed between the check and the call
        }
    }
}
