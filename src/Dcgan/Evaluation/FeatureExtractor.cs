using System.Security.Cryptography;
using Dcgan.Imaging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SkiaSharp;

namespace Dcgan.Evaluation;

/// <summary>
/// Image features for FID and KID from an ONNX network. The default is the ImageNet ResNet-18 that the NuGet package
/// Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 ships, preceded by its own preprocessing model (per-channel mean
/// subtraction on 0..255 pixels): 512 pooled features per image. Images are resized to the network's input with
/// bilinear filtering (Skia, with mipmaps), RGB planes in 0..255. Figures from it are "FID (ResNet-18)": not
/// comparable with Inception-v3 FID tables. Any other ONNX network taking [1|N, 3, H, W] can be given by path.
/// </summary>
internal sealed class FeatureExtractor : IDisposable
{
    private static readonly SKSamplingOptions Sampling = new(SKFilterMode.Linear, SKMipmapMode.Linear);
    private readonly InferenceSession network;
    private readonly InferenceSession? preprocess;
    private readonly string inputName;
    private readonly int width, height;
    private readonly bool batched;

    /// <summary>Images per run of the network where it takes a batch (one where its batch is fixed).</summary>
    public const int BatchSize = 16;

    public string Name { get; }
    /// <summary>Identifies the network file(s), so cached real-set statistics belong to one extractor.</summary>
    public string Hash { get; }

    public static string DefaultModelPath => Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");
    public static string DefaultPreprocessPath =>
        Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNetPrepOnnx", "ResNetPreprocess.onnx");

    public FeatureExtractor(string? modelPath = null)
    {
        string path = modelPath ?? DefaultModelPath;
        if (!File.Exists(path)) throw new FileNotFoundException($"feature network '{path}' does not exist");
        var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        // Threads that sleep instead of spinning between the per-image runs, and no more of them than libtorch is
        // told to use (OMP_NUM_THREADS): spinning threads starve a training run that shares the machine.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (int.TryParse(Environment.GetEnvironmentVariable("OMP_NUM_THREADS"), out int threads) && threads > 0)
            options.IntraOpNumThreads = threads;
        network = Open(path, options, out batched);
        if (modelPath is null)
        {
            preprocess = Open(DefaultPreprocessPath, options, out bool preprocessBatched);
            batched &= preprocessBatched;
        }
        var input = network.InputMetadata.First();
        inputName = input.Key;
        var dims = input.Value.Dimensions;
        if (dims.Length != 4 || dims[1] != 3)
            throw new InvalidDataException($"{path}: the network's input must be [N, 3, H, W] (it is [{string.Join(", ", dims)}])");
        (height, width) = (dims[2], dims[3]);
        Name = modelPath is null ? "ResNet-18" : Path.GetFileNameWithoutExtension(path);
        using var sha = SHA256.Create();
        using var file = File.OpenRead(path);
        Hash = Convert.ToHexString(sha.ComputeHash(file))[..16].ToLowerInvariant();
    }

    /// <summary>Features of each image, [count, dimension], in double precision, computed <see cref="BatchSize"/> images per run.</summary>
    public double[][] Extract(IReadOnlyList<PixelImage> images, IProgress<int>? progress = null)
    {
        var result = new List<double[]>(images.Count);
        foreach (var chunk in images.Chunk(batched ? BatchSize : 1))
        {
            result.AddRange(ExtractBatch(chunk));
            progress?.Report(result.Count);
        }
        return result.ToArray();
    }

    public double[] ExtractOne(PixelImage image) => ExtractBatch([image])[0];

    private double[][] ExtractBatch(IReadOnlyList<PixelImage> images)
    {
        int plane = 3 * height * width;
        var planes = new float[images.Count * plane];
        for (int i = 0; i < images.Count; i++) ToPlanes(images[i]).CopyTo(planes, i * plane);
        var input = new DenseTensor<float>(planes, [images.Count, 3, height, width]);
        if (preprocess is not null)
        {
            using var prepared = preprocess.Run([NamedOnnxValue.CreateFromTensor(preprocess.InputMetadata.First().Key, input)]);
            input = prepared.First().AsTensor<float>().ToDenseTensor();
        }
        using var output = network.Run([NamedOnnxValue.CreateFromTensor(inputName, input)]);
        var features = output.First().AsTensor<float>().ToArray();
        int dimension = features.Length / images.Count;
        return Enumerable.Range(0, images.Count)
            .Select(i => features.AsSpan(i * dimension, dimension).ToArray().Select(v => (double)v).ToArray()).ToArray();
    }

    /// <summary>
    /// A session on the network with a free batch dimension where the file fixes it (see <see cref="OnnxBatchDimension"/>).
    /// </summary>
    private static InferenceSession Open(string path, SessionOptions options, out bool batched)
    {
        var bytes = File.ReadAllBytes(path);
        if (Imaging.ImageFormat.Of(bytes) is { } image)
            throw new InvalidDataException($"feature network '{path}' is an image ({image}), not an ONNX model: give a .onnx file " +
                "that maps a 3x224x224 image to a feature vector, or leave out the option for the bundled ResNet-18");
        try
        {
            try
            {
                batched = true;
                return new InferenceSession(OnnxBatchDimension.Rewrite(bytes), options);
            }
            catch (OnnxRuntimeException)
            {
                batched = false; // a graph that will not take another batch size: one image per run, as the file says
                return new InferenceSession(bytes, options);
            }
        }
        catch (Exception e) when (e is InvalidDataException or OnnxRuntimeException)
        {
            throw new InvalidDataException($"feature network '{path}' is not a readable ONNX model ({e.Message.Split('\n')[0]}): " +
                "give a .onnx file, or leave out the option for the bundled ResNet-18", e);
        }
    }

    private float[] ToPlanes(PixelImage image)
    {
        using var source = SKImage.FromPixelCopy(
            new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque), image.ToRgba());
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var surface = SKSurface.Create(info);
        surface.Canvas.DrawImage(source, SKRect.Create(0, 0, width, height), Sampling);
        var resized = Imaging.SkiaPixels.ReadRgba(surface, info);
        int plane = width * height;
        var planes = new float[3 * plane];
        for (int i = 0; i < plane; i++)
            for (int c = 0; c < 3; c++) planes[c * plane + i] = resized[4 * i + c];
        return planes;
    }

    public void Dispose()
    {
        network.Dispose();
        preprocess?.Dispose();
    }
}
