using Dcgan.Generation;
using Dcgan.Imaging;
using Dcgan.Interop;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tensor = TorchSharp.torch.Tensor;
using static TorchSharp.torch;

namespace Dcgan.Export;

/// <summary>How far an exported file's images lie from this program's: the largest difference in output values and in 8-bit levels.</summary>
internal sealed record OnnxComparison(int Images, double MaxOutputDifference, int MaxLevelDifference, double LevelsDifferingShare);

/// <summary>Runs an exported generator in ONNX Runtime, the engine onnxruntime-web compiles to WebAssembly, against the model itself.</summary>
internal static class OnnxCheck
{
    /// <summary>The seeds every export is checked on.</summary>
    public static readonly IReadOnlyList<long> CheckSeeds = Enumerable.Range(0, 64).Select(i => (long)i).ToList();

    /// <summary>The model's generator as ONNX, with its comparison against the model on <see cref="CheckSeeds"/>.</summary>
    public static (byte[] Onnx, OnnxComparison Check) CheckedExport(LoadedModel model)
    {
        byte[] onnx = OnnxExport.Generator(model.Sampler.Generator);
        return (onnx, Compare(onnx, model.Sampler, CheckSeeds));
    }

    /// <summary>The ONNX file's images for these seeds against the sampler's (same z, same pixel rule), in one batch.</summary>
    public static OnnxComparison Compare(byte[] onnx, ImageSampler sampler, IReadOnlyList<long> seeds)
    {
        using var scope = NewDisposeScope();
        var z = sampler.LatentsFor(seeds).contiguous();
        var expected = sampler.Generate(z);
        var actual = Run(onnx, z);
        double maxOutput = (actual - expected).abs().max().item<float>();
        var expectedLevels = PixelConverter.ToByteTensor(expected).to(ScalarType.Int32);
        var actualLevels = PixelConverter.ToByteTensor(actual).to(ScalarType.Int32);
        var levelDifference = (actualLevels - expectedLevels).abs();
        return new OnnxComparison(seeds.Count, maxOutput, levelDifference.max().item<int>(),
            levelDifference.gt(0).to(ScalarType.Float64).mean().item<double>());
    }

    /// <summary>The file's output for z ([N, nz, 1, 1]) as a CPU tensor.</summary>
    public static Tensor Run(byte[] onnx, Tensor z)
    {
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(onnx, options);
        var flat = z.detach().cpu().to(ScalarType.Float32).contiguous();
        var input = new DenseTensor<float>(flat.data<float>().ToArray(), z.shape.Select(d => (int)d).ToArray());
        using var output = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, input)]);
        var result = output.First(o => o.Name == OnnxExport.OutputName).AsTensor<float>();
        return tensor(result.ToArray(), result.Dimensions.ToArray().Select(d => (long)d).ToArray());
    }
}
