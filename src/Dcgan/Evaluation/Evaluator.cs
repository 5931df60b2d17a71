using System.Diagnostics;
using Dcgan.Data;
using Dcgan.Generation;
using Dcgan.Imaging;
using static TorchSharp.torch;

namespace Dcgan.Evaluation;

internal sealed record EvaluationReport(string Features, int RealCount, int GeneratedCount, double Fid, KidResult Kid,
    PrecisionRecall PrecisionRecall, double Seconds, SwdResult? Swd = null, UpsamplingPeaksResult? UpsamplingPeaks = null)
{
    public override string ToString() =>
        $"FID ({Features}) {Fid:F2}; KID ({Features}) {Kid.Mean:F4} +- {Kid.StandardDeviation:F4} " +
        $"({Kid.Subsets} subsets of {Kid.SubsetSize}); " +
        $"precision {PrecisionRecall.Precision:F3}, recall {PrecisionRecall.Recall:F3} (k = {PrecisionRecall.K}); " +
        $"N real {RealCount}, N generated {GeneratedCount}" + (Swd is null ? "" : $"; {Swd}") +
        (UpsamplingPeaks is null ? "" : $"; {UpsamplingPeaks}");
}

/// <summary>
/// `dcgan eval`: features of N generated images (seeds 0..N-1) against features of the data set, which are
/// computed once per data set, transform and extractor and cached. FID is biased upward at small N: N goes with
/// every figure.
/// </summary>
internal static class Evaluator
{
    /// <summary>The most generated images one evaluation draws (their features are 4 KB each in memory).</summary>
    public const int MaxGenerated = 100_000;
    /// <summary>The most real images one evaluation reads.</summary>
    public const int MaxReal = 1_000_000;

    public static EvaluationReport Evaluate(LoadedModel model, IImageSource data, FeatureExtractor extractor, int generated, int? realLimit,
        string cacheDirectory, long firstSeed = 0, Action<string>? log = null, SamplingMode mode = SamplingMode.Eval)
    {
        if (generated < 10)
            throw new InputException("n", InputProblem.OutOfRange, $"must be at least 10 (got {generated}); " +
                "FID needs many images, 2000 or more for stable figures");
        if (generated > MaxGenerated)
            throw new InputException("n", InputProblem.OutOfRange, $"must be at most {MaxGenerated} (got {generated}): the field's FID-50k takes 50000");
        if (realLimit is < 10 or > MaxReal) throw new InputException("realN", InputProblem.OutOfRange, $"must be between 10 and {MaxReal} (got {realLimit})");
        var clock = Stopwatch.StartNew();
        var real = RealFeatures(data, model.Options.ImageSize, model.Options.Nc, extractor, realLimit, cacheDirectory, log);
        log?.Invoke($"{real.Length} real feature vectors ready ({clock.Elapsed.TotalSeconds:F0} s)");
        var fake = GeneratedFeatures(model, extractor, generated, firstSeed, mode);
        log?.Invoke($"{fake.Length} generated feature vectors ready ({clock.Elapsed.TotalSeconds:F0} s)");
        double fid = QualityMetrics.FrechetDistance(FeatureStatistics.Of(real), FeatureStatistics.Of(fake));
        var kid = QualityMetrics.KernelDistance(real, fake);
        var pr = QualityMetrics.PrecisionAndRecall(real, fake);
        using var scope = NewDisposeScope();
        var (realPixels, fakePixels) = Pixels(model, data, Math.Min(Math.Min(real.Length, fake.Length), SlicedWasserstein.MaxImages),
            cacheDirectory, firstSeed, mode);
        var swd = SlicedWasserstein.Compare(realPixels, fakePixels);
        log?.Invoke($"SWD on {swd.Images} images per set ready ({clock.Elapsed.TotalSeconds:F0} s)");
        var peaks = UpsamplingPeaks.Compare(realPixels, fakePixels);
        log?.Invoke($"upsampling peaks ready ({clock.Elapsed.TotalSeconds:F0} s)");
        return new EvaluationReport(extractor.Name, real.Length, fake.Length, fid, kid, pr, clock.Elapsed.TotalSeconds, swd, peaks);
    }

    /// <summary>
    /// The pixels (0..255 as bytes, [N, C, S, S]) of <paramref name="count"/> generated images (seeds firstSeed..) and of as many
    /// real ones (the same fixed subset as the features use): what SWD and the upsampling peaks compare.
    /// </summary>
    public static (Tensor Real, Tensor Generated) Pixels(LoadedModel model, IImageSource data, int count, string cacheDirectory,
        long firstSeed = 0, SamplingMode mode = SamplingMode.Eval)
    {
        if (count is < 2 or > SlicedWasserstein.MaxImages)
            throw new InputException("n", InputProblem.OutOfRange, $": SWD and the upsampling peaks take 2 to {SlicedWasserstein.MaxImages} images per set (got {count})");
        using var scope = NewDisposeScope();
        int size = model.Options.ImageSize, channels = model.Options.Nc;
        using var pixels = PixelCache.Open(data, size, channels, cacheDirectory);
        if (pixels.Count < count) throw new InvalidDataException($"{data.Description} has {pixels.Count} readable images; SWD here needs {count}");
        var indices = RealSubset(pixels.Count, count);
        var real = tensor(pixels.Gather(indices), [count, channels, size, size]);
        var fake = new List<Tensor>();
        foreach (var chunk in Enumerable.Range(0, count).Select(i => firstSeed + i).Chunk(TrainModeBatch))
        {
            var images = model.Sampler.Generate(model.LatentsFor(chunk), chunk.Length >= 2 ? mode : SamplingMode.Eval);
            fake.Add(PixelConverter.ToByteTensor(images));
        }
        return (real.MoveToOuterDisposeScope(), cat(fake, 0).MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Features of the images of seeds firstSeed.. in batches of 64 (train mode: each batch normalised by its own statistics,
    /// as in the training notebook).
    /// </summary>
    public static double[][] GeneratedFeatures(LoadedModel model, FeatureExtractor extractor, int count, long firstSeed = 0,
        SamplingMode mode = SamplingMode.Eval)
    {
        var features = new List<double[]>(count);
        foreach (var chunk in Enumerable.Range(0, count).Select(i => firstSeed + i).Chunk(TrainModeBatch))
        {
            using var scope = NewDisposeScope();
            // A last batch of one has no batch statistics: it is drawn in eval mode.
            var images = model.Sampler.Generate(model.LatentsFor(chunk), chunk.Length >= 2 ? mode : SamplingMode.Eval);
            features.AddRange(extractor.Extract(PixelConverter.ToImages(images)));
        }
        return features.ToArray();
    }

    /// <summary>Which real images an evaluation of <paramref name="count"/> reads: all, or the same fixed subset every time.</summary>
    private static int[] RealSubset(int available, int count) => count == available
        ? Enumerable.Range(0, count).ToArray()
        : SeedMixer.Permutation(available, (ulong)RandomStream.EvaluationSubset)[..count];

    /// <summary>The tutorial's fixed-noise batch size: train-mode figures use batches of this many.</summary>
    public const int TrainModeBatch = 64;

    /// <summary>The data set's features through the training transform, from the cache where computed before.</summary>
    public static double[][] RealFeatures(IImageSource data, int size, int channels, FeatureExtractor extractor, int? limit,
        string cacheDirectory, Action<string>? log = null)
    {
        using var pixels = PixelCache.Open(data, size, channels, cacheDirectory);
        if (pixels.Count < 10)
            throw new InvalidDataException($"{data.Description} has {pixels.Count} readable images; FID needs many more");
        int count = Math.Min(limit ?? pixels.Count, pixels.Count);
        string file = Path.Combine(cacheDirectory, "features",
            $"{pixels.Info.Fingerprint}-{size}px-{channels}ch-{extractor.Hash}-{count}.f64");
        if (File.Exists(file) && new FileInfo(file).Length > 8) return ReadMatrix(file);

        // A fixed subset where fewer than all images are asked for, so figures from different runs compare.
        var indices = RealSubset(pixels.Count, count);
        var features = new double[count][];
        for (int start = 0; start < count; start += 64)
        {
            var batch = indices[start..Math.Min(start + 64, count)];
            var bytes = pixels.Gather(batch);
            var images = Enumerable.Range(0, batch.Length)
                .Select(k => DatasetPacker.Interleave(bytes.AsSpan(k * pixels.ImageBytes, pixels.ImageBytes).ToArray(), size)).ToList();
            extractor.Extract(images).CopyTo(features, start);
            if (start % 512 == 0) log?.Invoke($"real features: {Math.Min(start + 64, count)}/{count}");
        }
        WriteMatrix(file, features);
        return features;
    }

    private static void WriteMatrix(string path, double[][] rows) => AtomicFile.Write(path, stream =>
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(rows.Length);
        writer.Write(rows[0].Length);
        foreach (var row in rows) foreach (var v in row) writer.Write(v);
    });

    private static double[][] ReadMatrix(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        int n = reader.ReadInt32(), d = reader.ReadInt32();
        var rows = new double[n][];
        for (int i = 0; i < n; i++)
        {
            rows[i] = new double[d];
            for (int j = 0; j < d; j++) rows[i][j] = reader.ReadDouble();
        }
        return rows;
    }
}
