using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Dcgan.Benchmarks;

/// <summary>
/// The processor's own fp32 rate: independent chains of fused multiply-adds held in registers, on every core at once, as
/// wide as the vectors go (512 bits with AVX-512, 256 with AVX2 + FMA). No memory traffic, so no real kernel can beat it;
/// on processors where libtorch's fp32 kernels skip the widest instructions this, not a matmul, is the fp32 ceiling.
/// </summary>
internal static class FusedMultiplyAddPeak
{
    /// <summary>The vector widths with hardware fused multiply-add here, in bits (none: the peak reads 0).</summary>
    public static IReadOnlyList<int> Widths { get; } =
        [.. Avx512F.IsSupported && Vector512.IsHardwareAccelerated ? [512] : Array.Empty<int>(), .. Fma.IsSupported ? [256] : Array.Empty<int>()];

    private const long Iterations = 20_000_000;
    private const int Chains = 12; // enough independent chains to cover the FMA units' latency (4 cycles, 2 units)

    /// <summary>
    /// FLOP/s of the fastest of three rounds, each with one thread per core, at the width that is faster (some processors
    /// slow their clock for 512-bit instructions, others split them in two).
    /// </summary>
    public static (double FlopPerSecond, int Width) Measure()
    {
        (double, int) best = (0, 0);
        foreach (int width in Widths)
        {
            Run(width, Iterations / 20); // JIT and wake the cores
            double fastest = double.MaxValue;
            for (int round = 0; round < 3; round++) fastest = Math.Min(fastest, Run(width, Iterations));
            double flopPerIteration = Chains * (width / 32) * 2;
            double rate = Environment.ProcessorCount * Iterations * flopPerIteration / fastest;
            if (rate > best.Item1) best = (rate, width);
        }
        return best;
    }

    private static double Run(int width, long iterations)
    {
        int threads = Environment.ProcessorCount;
        using var start = new Barrier(threads + 1);
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            Sink = width == 512 ? Chains512(iterations) : Chains256(iterations);
        })).ToList();
        workers.ForEach(w => w.Start());
        start.SignalAndWait();
        var clock = Stopwatch.StartNew();
        workers.ForEach(w => w.Join());
        return clock.Elapsed.TotalSeconds;
    }

    // Written where the JIT cannot drop the chains as unused.
    private static float Sink;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Chains512(long iterations)
    {
        var a = Vector512.Create(0.999999f);
        var b = Vector512.Create(1e-6f);
        Vector512<float> c0 = a, c1 = a, c2 = a, c3 = a, c4 = a, c5 = a, c6 = a, c7 = a, c8 = a, c9 = a, c10 = a, c11 = a;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Avx512F.FusedMultiplyAdd(c0, a, b); c1 = Avx512F.FusedMultiplyAdd(c1, a, b);
            c2 = Avx512F.FusedMultiplyAdd(c2, a, b); c3 = Avx512F.FusedMultiplyAdd(c3, a, b);
            c4 = Avx512F.FusedMultiplyAdd(c4, a, b); c5 = Avx512F.FusedMultiplyAdd(c5, a, b);
            c6 = Avx512F.FusedMultiplyAdd(c6, a, b); c7 = Avx512F.FusedMultiplyAdd(c7, a, b);
            c8 = Avx512F.FusedMultiplyAdd(c8, a, b); c9 = Avx512F.FusedMultiplyAdd(c9, a, b);
            c10 = Avx512F.FusedMultiplyAdd(c10, a, b); c11 = Avx512F.FusedMultiplyAdd(c11, a, b);
        }
        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Chains256(long iterations)
    {
        var a = Vector256.Create(0.999999f);
        var b = Vector256.Create(1e-6f);
        Vector256<float> c0 = a, c1 = a, c2 = a, c3 = a, c4 = a, c5 = a, c6 = a, c7 = a, c8 = a, c9 = a, c10 = a, c11 = a;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Fma.MultiplyAdd(c0, a, b); c1 = Fma.MultiplyAdd(c1, a, b); c2 = Fma.MultiplyAdd(c2, a, b);
            c3 = Fma.MultiplyAdd(c3, a, b); c4 = Fma.MultiplyAdd(c4, a, b); c5 = Fma.MultiplyAdd(c5, a, b);
            c6 = Fma.MultiplyAdd(c6, a, b); c7 = Fma.MultiplyAdd(c7, a, b); c8 = Fma.MultiplyAdd(c8, a, b);
            c9 = Fma.MultiplyAdd(c9, a, b); c10 = Fma.MultiplyAdd(c10, a, b); c11 = Fma.MultiplyAdd(c11, a, b);
        }
        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }
}
