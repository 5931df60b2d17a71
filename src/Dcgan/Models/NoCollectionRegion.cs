using System.Runtime;

namespace Dcgan.Models;

/// <summary>
/// No garbage collection while a block of libtorch calls runs (a training step, an inversion step), so that no
/// finalizer frees a native Scalar that a call is still reading. TorchSharp 0.107 makes a fresh Scalar of every number
/// passed to an operation and nothing keeps it alive during the call; its own Adam does so seven times per parameter
/// and step, out of <see cref="KeptScalars"/>' reach. A collection during such a call lets the finalizer free the
/// Scalar mid-call: runs stopped with "Unknown scalar type" and "Expected false to be true". A probe that forces ~60
/// collections a second beside in-place ops with plain numbers saw 25-32 such errors in 30 s, and none inside regions
/// that held (docs/performance.md).
/// <para>Entering runs one full blocking collection (0.7 ms with 100 MB of small live objects), so the Scalars of
/// earlier blocks are finalized between blocks, when no call reads them.
/// The budget is what all threads may allocate inside; past it the runtime collects anyway and the region lapses, so the
/// block runs unprotected, as it did before. Regions are process-wide: one already open (another thread's) is left alone,
/// and this block then runs unprotected too.</para>
/// </summary>
internal readonly struct NoCollectionRegion : IDisposable
{
    /// <summary>About 10x what a training step allocates (measured: 0.3 MB at 32 px, 3.3 MB at 64 px, batch 64-128).</summary>
    public const long DefaultBudgetBytes = 32L << 20;

    private readonly bool entered;

    private NoCollectionRegion(bool entered) => this.entered = entered;

    /// <summary>Whether the region holds now: no collection has run since it was entered.</summary>
    public bool Holds => entered && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion;

    public static NoCollectionRegion Enter(long budgetBytes = DefaultBudgetBytes)
    {
        if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) return new(false);
        try { return new(GC.TryStartNoGCRegion(budgetBytes)); }
        catch (InvalidOperationException) { return new(false); } // another thread entered one just now
    }

    public void Dispose()
    {
        if (!Holds) return;
        try { GC.EndNoGCRegion(); }
        catch (InvalidOperationException) { } // it lapsed between the check and the call
    }
}
