using System.Diagnostics;
using System.Runtime;
using Dcgan.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Dcgan.Tests;

/// <summary>
/// The no-collection region that training and inversion steps run in (Models/NoCollectionRegion.cs): TorchSharp 0.107's
/// per-call Scalars are freed mid-call by a collection, and inside a region that holds no collection runs.
/// </summary>
public class NoCollectionRegionTests
{
    [Fact]
    public void Inside_a_region_allocating_runs_no_collection_and_disposing_ends_it()
    {
        int collections;
        using (var region = NoCollectionRegion.Enter())
        {
            Assert.True(region.Holds);
            collections = GC.CollectionCount(0);
            for (int i = 0; i < 1000; i++) GC.KeepAlive(new byte[8 * 1024]); // 8 MB of garbage, inside the budget
            Assert.Equal(collections, GC.CollectionCount(0));
            Assert.True(region.Holds);
            using var nested = NoCollectionRegion.Enter(); // one is open: a second is refused quietly, not thrown
            Assert.False(nested.Holds);
        }
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public void A_region_that_lapses_past_its_budget_disposes_quietly()
    {
        using (var region = NoCollectionRegion.Enter(budgetBytes: 1L << 20))
        {
            for (int i = 0; i < 4000; i++) GC.KeepAlive(new byte[8 * 1024]); // 32 MB: past the budget, so the runtime collects
            Assert.False(region.Holds);
        }
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        using var next = NoCollectionRegion.Enter();
        Assert.True(next.Holds);
    }

    [Fact]
    public void Plain_numbers_passed_to_libtorch_fail_under_collections_and_never_inside_regions_that_hold()
    {
        // The control first: without regions, a garbage thread's collections free some call's Scalar (here within ~10
        // collections, well under a second). If this ever stops failing, TorchSharp keeps its Scalars alive and the regions
        // can go. The freed Scalar is only read, never written, by the call: libtorch rejects its tag and throws.
        var plain = InPlaceOpsUnderCollections(protect: false, stopAtFirstError: true);
        Assert.True(plain.Errors > 0, $"{plain.Ops} in-place ops under {plain.Collections} collections failed none");

        var protectedRun = InPlaceOpsUnderCollections(protect: true, stopAtFirstError: false);
        Assert.Equal(0, protectedRun.ErrorsWhereHeld);
        Assert.True(protectedRun.BlocksHeld >= 100,
            $"only {protectedRun.BlocksHeld} of {protectedRun.BlocksHeld + protectedRun.BlocksLapsed} regions held");
    }

    [Fact]
    public void Every_training_step_runs_in_a_region_that_holds()
    {
        var options = TestData.TinyRun(TestData.TempDir("no-collection-steps")) with { Augment = Training.AugmentPolicy.Translation, EmaDecay = 0.99 };
        var before = NoCollectionRegion.Counts;
        new Training.Trainer(options).Run(resume: false);
        var after = NoCollectionRegion.Counts;
        Assert.True(after.Entered - before.Entered >= options.MaxSteps, $"{after.Entered - before.Entered} regions for {options.MaxSteps} steps");
        Assert.Equal(before.Lapsed, after.Lapsed);
    }

    [Fact]
    public void A_region_knows_it_is_not_the_open_one_after_it_lapsed_and_another_opened()
    {
        var first = NoCollectionRegion.Enter(budgetBytes: 1L << 20);
        for (int i = 0; i < 4000; i++) GC.KeepAlive(new byte[8 * 1024]); // lapses
        using (var second = NoCollectionRegion.Enter())
        {
            Assert.True(second.Holds);
            Assert.False(first.Holds);
            first.Dispose(); // must not end the second one
            Assert.True(second.Holds);
        }
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    private sealed record StressResult(long Ops, int Collections, int Errors, int ErrorsWhereHeld, int BlocksHeld, int BlocksLapsed);

    /// <summary>Small in-place ops with plain numbers (a fresh Scalar each) while another thread makes garbage.</summary>
    private static StressResult InPlaceOpsUnderCollections(bool protect, bool stopAtFirstError)
    {
        using var scope = NewDisposeScope();
        var x = ones(1000);
        bool stop = false;
        var garbage = new Thread(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                for (int i = 0; i < 100; i++) { GC.KeepAlive(new byte[4000]); GC.KeepAlive(1.5.ToScalar()); }
                Thread.Sleep(0);
            }
        }) { IsBackground = true };
        garbage.Start();
        long ops = 0;
        int errors = 0, errorsWhereHeld = 0, held = 0, lapsed = 0, collections = GC.CollectionCount(0);
        var clock = Stopwatch.StartNew();
        try
        {
            while (clock.Elapsed.TotalSeconds < 20 && !(stopAtFirstError && errors > 0) && !(protect && clock.Elapsed.TotalSeconds > 3))
            {
                using var region = protect ? NoCollectionRegion.Enter() : default;
                int failed = 0;
                for (int i = 0; i < 200; i++)
                {
                    try { x.mul_(2.0).mul_(0.5).add_(1.0).sub_(1.0); }
                    catch (System.Runtime.InteropServices.ExternalException) { failed++; x.fill_(KeptScalars.One); }
                    ops += 4;
                }
                errors += failed;
                if (!protect) continue;
                if (region.Holds) { held++; errorsWhereHeld += failed; }
                else lapsed++;
            }
        }
        finally
        {
            Volatile.Write(ref stop, true);
            garbage.Join();
        }
        return new StressResult(ops, GC.CollectionCount(0) - collections, errors, errorsWhereHeld, held, lapsed);
    }
}
