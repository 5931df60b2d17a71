using System.Diagnostics;
using Dcgan.Data;
using Dcgan.Generation;
using Dcgan.Imaging;
using Dcgan.Latent;
using Dcgan.Training;
using static TorchSharp.torch;
using TorchGenerator = TorchSharp.torch.Generator;

namespace Dcgan.Benchmarks;

/// <summary>One timed measurement. Rates are per second; FLOP figures in GFLOP/s.</summary>
public sealed record BenchResult(string Name, double MillisecondsPerIteration, double ImagesPerSecond, double GflopPerSecond,
    double ShareOfMatmul);

public sealed record BenchOptions(string Data = "emoji", int Steps = 5, int Warmup = 2, int MatmulSize = 4096, string CacheDir = ".cache",
    string Device = "cpu");

/// <summary>
/// `dcgan bench`: the tutorial's training iteration at batch 64 and 128 (64x64), fed by the real data pipeline and by
/// ready tensors, generator inference for 1 and 64 images, and a large fp32 matrix product, all in one run so the
/// ratios are comparable on a shared, noisy machine.
/// </summary>
public static class Benchmark
{
    /// <summary>
    /// Forward and backward of the tutorial's G and D per 64x64 image, counted from the layers' shapes (docs/performance.md).
    /// </summary>
    public const double TrainingGflopPerImage = 2.5;

    public static IReadOnlyList<BenchResult> Run(BenchOptions o, Action<string>? log = null)
    {
        var device = Models.DeviceSelector.Parse(o.Device);
        var results = new List<BenchResult>();
        double matmulRate = Matmul(o.MatmulSize, device);
        results.Add(new BenchResult($"matmul fp32 {o.MatmulSize}x{o.MatmulSize}", 2.0 * Math.Pow(o.MatmulSize, 3) / matmulRate * 1000, 0,
            matmulRate / 1e9, 1));
        log?.Invoke($"matmul: {matmulRate / 1e9:F1} GFLOP/s");

        var source = DataSource.Resolve(o.Data);
        using var cache = PixelCache.Open(source, 64, 3, o.CacheDir);
        foreach (int batch in new[] { 64, 128 })
        {
            foreach (bool pipeline in new[] { true, false })
            {
                double seconds = TimeTraining(cache, batch, pipeline, o, device);
                double imagesPerSecond = batch / seconds, gflops = imagesPerSecond * TrainingGflopPerImage;
                var result = new BenchResult($"train batch {batch}, {(pipeline ? "data pipeline" : "ready tensors")}",
                    seconds * 1000, imagesPerSecond, gflops, gflops * 1e9 / matmulRate);
                results.Add(result);
                log?.Invoke($"{result.Name}: {result.MillisecondsPerIteration:F0} ms/iteration, {imagesPerSecond:F1} img/s");
            }
        }

        foreach (int count in new[] { 1, 64 })
        {
            double seconds = TimeInference(count, device, o.Warmup, Math.Max(o.Steps, count == 1 ? 20 : 5));
            results.Add(new BenchResult($"generate {count} image(s)", seconds * 1000, count / seconds, 0, 0));
            log?.Invoke($"generate {count}: {seconds * 1000:F1} ms");
        }
        return results;
    }

    private static double Matmul(int n, Device device)
    {
        using var scope = NewDisposeScope();
        var a = randn(n, n, device: device);
        var b = randn(n, n, device: device);
        matmul(a, b).Dispose();
        int repeats = 3;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < repeats; i++) matmul(a, b).Dispose();
        return 2.0 * Math.Pow(n, 3) * repeats / clock.Elapsed.TotalSeconds;
    }

    private static double TimeTraining(PixelCache cache, int batchSize, bool pipeline, BenchOptions o, Device device)
    {
        var options = new TrainingOptions { BatchSize = batchSize, Seed = 1 };
        using var gan = new GanPair(options, device);
        using var loader = new BatchLoader(cache, batchSize, options.Seed);
        using var ready = randn(batchSize, 3, 64, 64, device: device).clamp_(-1, 1);
        var clock = new Stopwatch();
        for (int step = 0; step < o.Warmup + o.Steps; step++)
        {
            if (step == o.Warmup) clock.Start();
            using var scope = NewDisposeScope();
            using var random = new TorchGenerator((ulong)step);
            Tensor real = ready;
            if (pipeline)
            {
                var pixels = loader.Take(step, out int count);
                real = PixelConverter.FromByteTensor(tensor(pixels, [count, 3, 64, 64]), device);
            }
            gan.Step(real, random, step);
        }
        return clock.Elapsed.TotalSeconds / o.Steps;
    }

    private static double TimeInference(int count, Device device, int warmup, int repeats)
    {
        var generator = new Models.Generator(new Models.ModelOptions());
        Models.WeightInit.Apply(generator);
        using var sampler = new ImageSampler(generator, device);
        using var z = LatentSampler.ForSeeds(Enumerable.Range(0, count).Select(i => (long)i).ToList(), 100);
        for (int i = 0; i < warmup; i++) sampler.Generate(z).Dispose();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < repeats; i++) sampler.Generate(z).Dispose();
        return clock.Elapsed.TotalSeconds / repeats;
    }
}
