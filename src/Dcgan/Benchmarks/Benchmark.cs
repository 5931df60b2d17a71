using System.Diagnostics;
using Dcgan.Data;
using Dcgan.Generation;
using Dcgan.Imaging;
using Dcgan.Latent;
using Dcgan.Models;
using Dcgan.Training;
using static TorchSharp.torch;
using TorchGenerator = TorchSharp.torch.Generator;

namespace Dcgan.Benchmarks;

/// <summary>
/// One timed measurement at one precision. Rates are per second, FLOP figures in GFLOP/s; <see cref="ShareOfCeiling"/> is
/// the FLOP rate over the fastest rate measured at that precision (see <see cref="Ceilings"/>). The kernels timed for the
/// ceilings are rows too, with no time per iteration and no images.
/// </summary>
internal sealed record BenchResult(string Name, Precision Precision, double MillisecondsPerIteration, double ImagesPerSecond,
    double GflopPerSecond, double ShareOfCeiling);

/// <summary>
/// The fastest FLOP rates this machine reached in the run, per precision: fp32 as the higher of the processor's own fused
/// multiply-add rate (a register-only kernel on every core, as wide as the vectors go) and libtorch's fastest dense kernel;
/// bf16 as libtorch's fastest dense bf16 kernel. Every other row is a share of these, so no row can honestly pass 100 %.
/// </summary>
internal sealed record Ceilings(double Fp32Gflops, string Fp32Source, double Bf16Gflops, string Bf16Source)
{
    public double Of(Precision precision) => precision == Precision.Bf16 ? Bf16Gflops : Fp32Gflops;
}

/// <summary>What `dcgan bench` measured, and on what.</summary>
internal sealed record BenchReport(string Processor, string NativeBf16, Ceilings Ceilings, IReadOnlyList<BenchResult> Results)
{
    /// <summary>bf16 against fp32 (the ratio of their FLOP rates) for each row measured at both precisions.</summary>
    public IEnumerable<(string Name, double Speedup)> Speedups() =>
        Results.GroupBy(r => r.Name).Where(g => g.Count() == 2).Select(g =>
            (g.Key, g.Single(r => r.Precision == Precision.Bf16).GflopPerSecond / g.Single(r => r.Precision == Precision.Fp32).GflopPerSecond));
}

internal sealed record BenchOptions(string Data = "emoji", int Steps = 8, int Warmup = 5, string CacheDir = ".cache", string Device = "cpu",
    IReadOnlyList<Precision>? Precisions = null)
{
    public IReadOnlyList<Precision> PrecisionsToRun => Precisions ?? [Precision.Fp32, Precision.Bf16];
}

/// <summary>
/// `dcgan bench`: the machine's ceilings, then the tutorial's training iteration at batch 64 and 128 (64x64), fed by the real
/// data pipeline and by ready tensors, and generator inference for 1 and 64 images, each at fp32 and at bf16, all in one
/// run so the ratios are comparable on a shared, noisy machine.
/// </summary>
internal static class Benchmark
{
    public static BenchReport Run(BenchOptions o, Action<string>? log = null)
    {
        var device = DeviceSelector.Parse(o.Device);
        var source = DataSource.Resolve(o.Data); // a wrong --data fails before anything is timed
        var precisions = o.PrecisionsToRun;
        var results = new List<BenchResult>();
        var ceilings = MeasureCeilings(device, precisions, results, log);
        var model = new ModelOptions();
        double trainGflop = NetworkFlops.TrainingStepPerImage(model) / 1e9, generateGflop = NetworkFlops.GeneratorForward(model) / 1e9;

        using var cache = PixelCache.Open(source, model.ImageSize, model.Nc, o.CacheDir);
        foreach (int batch in new[] { 64, 128 })
        foreach (bool pipeline in new[] { true, false })
        foreach (var (precision, seconds) in precisions.Zip(TimeTraining(cache, batch, pipeline, precisions, o, device)))
        {
            double imagesPerSecond = batch / seconds, gflops = imagesPerSecond * trainGflop;
            var result = new BenchResult($"train batch {batch}, {(pipeline ? "data pipeline" : "ready tensors")}", precision,
                seconds * 1000, imagesPerSecond, gflops, gflops / ceilings.Of(precision));
            results.Add(result);
            log?.Invoke($"{result.Name} ({PrecisionChoice.Name(precision)}): {result.MillisecondsPerIteration:F0} ms/iteration, " +
                $"{imagesPerSecond:F1} img/s");
        }

        foreach (int count in new[] { 1, 64 })
        foreach (var (precision, seconds) in precisions.Zip(TimeInference(count, precisions, device, o.Warmup, Math.Max(o.Steps, count == 1 ? 50 : 20))))
        {
            double gflops = count / seconds * generateGflop;
            results.Add(new BenchResult($"generate {count} image(s)", precision, seconds * 1000, count / seconds, gflops,
                gflops / ceilings.Of(precision)));
            log?.Invoke($"generate {count} ({PrecisionChoice.Name(precision)}): {seconds * 1000:F1} ms");
        }
        return new BenchReport(ProcessorModel(), PrecisionChoice.NativeBf16Features, ceilings, results);
    }

    /// <summary>
    /// The ceilings, and a row for each kernel timed for them: the fused multiply-add peak (fp32), then a large convolution,
    /// a batched matmul and a square matmul at each precision.
    /// </summary>
    private static Ceilings MeasureCeilings(Device device, IReadOnlyList<Precision> precisions, List<BenchResult> rows, Action<string>? log)
    {
        var (fma, width) = FusedMultiplyAddPeak.Measure();
        var measured = new List<(string Name, Precision Precision, double Gflops)> { ($"fused multiply-add, {width}-bit", Precision.Fp32, fma / 1e9) };
        log?.Invoke($"{measured[0].Name} on {Environment.ProcessorCount} threads: {fma / 1e9:F1} GFLOP/s");
        foreach (var precision in precisions)
        foreach (var (name, run) in DenseKernels())
        {
            double rate = run(precision == Precision.Bf16 ? ScalarType.BFloat16 : ScalarType.Float32, device) / 1e9;
            measured.Add((name, precision, rate));
            log?.Invoke($"{name} ({PrecisionChoice.Name(precision)}): {rate:F1} GFLOP/s");
        }
        (double Gflops, string Name) Best(Precision p) =>
            measured.Where(m => m.Precision == p).Select(m => (m.Gflops, m.Name)).DefaultIfEmpty((0, "none")).MaxBy(m => m.Item1);
        var ceilings = new Ceilings(Best(Precision.Fp32).Gflops, Best(Precision.Fp32).Name, Best(Precision.Bf16).Gflops, Best(Precision.Bf16).Name);
        rows.AddRange(measured.Select(m => new BenchResult(m.Name, m.Precision, 0, 0, m.Gflops, m.Gflops / ceilings.Of(m.Precision))));
        return ceilings;
    }

    private static IEnumerable<(string Name, Func<ScalarType, Device, double> Run)> DenseKernels() =>
    [
        // The shape of D's widest layers at batch 64 (256 channels at 16x16), with a 3x3 kernel for more reuse.
        ("conv2d 64x256x16x16, 3x3", (type, device) => TimeKernel(type, device, 2.0 * 64 * 256 * 256 * 9 * 16 * 16,
            () => (randn(64, 256, 16, 16, dtype: type, device: device), randn(256, 256, 3, 3, dtype: type, device: device)),
            (a, b) => nn.functional.conv2d(a, b, padding: [1, 1]))),
        ("bmm 16x1024^3", (type, device) => TimeKernel(type, device, 2.0 * 16 * 1024 * 1024 * 1024,
            () => (randn(16, 1024, 1024, dtype: type, device: device), randn(16, 1024, 1024, dtype: type, device: device)), bmm)),
        ("matmul 4096^3", (type, device) => TimeKernel(type, device, 2.0 * 4096 * 4096 * 4096,
            () => (randn(4096, 4096, dtype: type, device: device), randn(4096, 4096, dtype: type, device: device)), matmul)),
    ];

    /// <summary>FLOP/s of the fastest of three timed calls after one untimed (the first call sets up the kernel).</summary>
    private static double TimeKernel(ScalarType type, Device device, double flop, Func<(Tensor, Tensor)> inputs, Func<Tensor, Tensor, Tensor> kernel)
    {
        using var scope = NewDisposeScope();
        var (a, b) = inputs();
        kernel(a, b).Dispose();
        double fastest = double.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            var clock = Stopwatch.StartNew();
            kernel(a, b).Dispose();
            fastest = Math.Min(fastest, clock.Elapsed.TotalSeconds);
        }
        return flop / fastest;
    }

    /// <summary>The median seconds of a training step at each precision, the precisions taking turns (<see cref="TimeInTurns"/>).</summary>
    private static double[] TimeTraining(PixelCache cache, int batchSize, bool pipeline, IReadOnlyList<Precision> precisions,
        BenchOptions o, Device device)
    {
        var gans = precisions.Select(p => new GanPair(new TrainingOptions { BatchSize = batchSize, Seed = 1, Precision = p }, device)).ToList();
        var loaders = gans.Select(_ => new BatchLoader(cache, batchSize, 1)).ToList();
        try
        {
            using var ready = randn(batchSize, 3, 64, 64, device: device).clamp_(-1, 1);
            return TimeInTurns(gans.Count, o.Warmup, o.Steps, (k, step) =>
            {
                using var scope = NewDisposeScope();
                using var random = new TorchGenerator((ulong)step);
                Tensor real = ready;
                if (pipeline)
                {
                    var pixels = loaders[k].Take(step, out int count);
                    real = PixelConverter.FromByteTensor(tensor(pixels, [count, 3, 64, 64]), device);
                }
                gans[k].Step(real, random, step);
            });
        }
        finally
        {
            foreach (var loader in loaders) loader.Dispose();
            foreach (var gan in gans) gan.Dispose();
        }
    }

    /// <summary>
    /// The median seconds of each of <paramref name="contenders"/> at <paramref name="run"/>(contender, repeat), the contenders
    /// taking turns repeat by repeat, so a neighbour's burst on the shared host falls on all alike and their ratios hold.
    /// </summary>
    private static double[] TimeInTurns(int contenders, int warmup, int repeats, Action<int, int> run)
    {
        var times = Enumerable.Range(0, contenders).Select(_ => new List<double>()).ToList();
        for (int repeat = 0; repeat < warmup + repeats; repeat++)
        for (int k = 0; k < contenders; k++)
        {
            var clock = Stopwatch.StartNew();
            run(k, repeat);
            if (repeat >= warmup) times[k].Add(clock.Elapsed.TotalSeconds);
        }
        return times.Select(Median).ToArray();
    }

    /// <summary>
    /// The middle of the timed repeats: on a shared machine a neighbour's burst lengthens a few of them, which a mean would
    /// carry into the row and into its ratio against the other precision.
    /// </summary>
    internal static double Median(IReadOnlyList<double> times)
    {
        var sorted = times.Order().ToList();
        int middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>The median seconds of drawing count images at each precision, the precisions taking turns.</summary>
    private static double[] TimeInference(int count, IReadOnlyList<Precision> precisions, Device device, int warmup, int repeats)
    {
        var samplers = precisions.Select(p =>
        {
            var generator = new Models.Generator(new ModelOptions()) { Precision = p };
            WeightInit.Apply(generator);
            return ImageSampler.ForDrawing(generator, device); // as a loaded model draws (LoadedModel.Open)
        }).ToList();
        try
        {
            using var z = LatentSampler.ForSeeds(Enumerable.Range(0, count).Select(i => (long)i).ToList(), 100);
            return TimeInTurns(samplers.Count, warmup, repeats, (k, _) => samplers[k].Generate(z).Dispose());
        }
        finally
        {
            foreach (var sampler in samplers) sampler.Dispose(); // and its generator
        }
    }

    /// <summary>The processor's name as the operating system reports it.</summary>
    public static string ProcessorModel()
    {
        if (File.Exists("/proc/cpuinfo"))
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':') is int colon and > 0)
                    return line[(colon + 1)..].Trim();
        return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
    }
}
