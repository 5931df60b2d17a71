using System.Runtime.Intrinsics.X86;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Dcgan.Models;

/// <summary>
/// The arithmetic of G's and D's convolutions. <see cref="Fp32"/> is the tutorial's. <see cref="Bf16"/> is mixed
/// precision as <c>torch.autocast</c> does it on a CPU: convolutions and transposed convolutions (forward and backward)
/// run in bfloat16 on bf16 copies of the weights, while the weights themselves, their gradients, Adam's states and
/// BatchNorm's parameters and running statistics stay fp32; each net's output (and so every loss) is fp32 again.
/// </summary>
internal enum Precision { Fp32, Bf16 }

/// <summary>Which precision to use: a name, or auto (bf16 only where this processor computes bf16 natively).</summary>
internal static class PrecisionChoice
{
    /// <summary>The names a person may give: fp32, bf16, or auto.</summary>
    public const string Names = "fp32, bf16 or auto";

    /// <summary>
    /// True where the processor has bf16 dot-product instructions (AVX512_BF16) or AMX's bf16 tiles: there bf16
    /// convolutions run about twice as fast as fp32. Elsewhere libtorch emulates bf16 and it is slower than fp32.
    /// </summary>
    /// <remarks>
    /// Read from <see cref="NativeBf16Features"/> on each call, not stored: a stored copy initialised above that property
    /// read it while it was still null, and auto chose emulated bf16 on every AVX2-only processor.
    /// </remarks>
    public static bool ProcessorHasNativeBf16 => NativeBf16Features != "none";

    /// <summary>What the processor offers, in words ("AVX512_BF16", "AMX-BF16", or none).</summary>
    public static string NativeBf16Features { get; } = DescribeNativeBf16();

    /// <summary>auto: bf16 where native, else fp32.</summary>
    public static Precision Auto => ProcessorHasNativeBf16 ? Precision.Bf16 : Precision.Fp32;

    /// <summary>"fp32", "bf16" or "auto" (any case) to a precision; anything else names the choices.</summary>
    public static Precision Parse(string text, string setting = "precision") => text.Trim().ToLowerInvariant() switch
    {
        "fp32" or "float32" => Precision.Fp32,
        "bf16" or "bfloat16" => Precision.Bf16,
        "auto" => Auto,
        _ => throw new InputException(setting, InputProblem.Invalid, $": '{text}' is not a precision; give {Names}"),
    };

    public static string Name(Precision precision) => precision == Precision.Bf16 ? "bf16" : "fp32";

    /// <summary>One line saying which precision is used and why (auto's choice explained).</summary>
    public static string Describe(Precision precision, bool chosenByAuto) => (precision, chosenByAuto) switch
    {
        (Precision.Bf16, true) => $"Precision: bf16 mixed (auto: this processor computes bf16 natively, {NativeBf16Features}; " +
            "`precision` fp32 keeps the tutorial's arithmetic)",
        (Precision.Fp32, true) => "Precision: fp32 (auto: this processor has no native bf16, where bf16 would be slower)",
        (Precision.Bf16, false) => "Precision: bf16 mixed" + (ProcessorHasNativeBf16 ? "" : " (emulated on this processor: slower than fp32)"),
        _ => "Precision: fp32",
    };

    private static string DescribeNativeBf16()
    {
        if (!X86Base.IsSupported) return "none";
        // CPUID leaf 7: sub-leaf 1 EAX bit 5 is AVX512_BF16; sub-leaf 0 EDX bit 22 is AMX-BF16. The operating system
        // must also save the wide registers, which .NET's own AVX-512 check covers.
        var features = new List<string>();
        var (_, _, _, edx0) = X86Base.CpuId(7, 0);
        var (eax1, _, _, _) = X86Base.CpuId(7, 1);
        if (Avx512F.IsSupported && (eax1 & (1 << 5)) != 0) features.Add("AVX512_BF16");
        if ((edx0 & (1 << 22)) != 0 && AmxUsable()) features.Add("AMX-BF16");
        return features.Count == 0 ? "none" : string.Join(", ", features);
    }

    // AMX needs the kernel's permission per process; libtorch (oneDNN) asks for it. On Linux /proc/cpuinfo lists
    // amx_bf16 only where the kernel supports it, so that is the check there.
    private static bool AmxUsable() =>
        !OperatingSystem.IsLinux() || (File.Exists("/proc/cpuinfo") && File.ReadAllText("/proc/cpuinfo").Contains("amx_bf16"));
}

/// <summary>
/// A forward pass through a net's layers at a <see cref="Precision"/>. At bf16 each convolution runs on bf16 copies of its
/// input and weight (differentiable casts, so gradients reach the fp32 weights in fp32), laid out channels-last, the
/// layout oneDNN's bf16 kernels work in (measured 1.1-1.2x faster than NCHW here, docs/performance.md); BatchNorm takes the
/// bf16 activations with its fp32 parameters and statistics, as autocast leaves it; after the last convolution the
/// activations return to fp32 and the usual layout, so Tanh, Sigmoid, the losses and everything downstream see fp32.
/// </summary>
internal static class MixedPrecision
{
    private const ScalarType Half = ScalarType.BFloat16;

    /// <summary>The layers in order (at fp32 exactly as Sequential runs them); <paramref name="frozen"/> supplies bf16 weights made once.</summary>
    public static Tensor Forward(IReadOnlyList<nn.Module<Tensor, Tensor>> layers, Tensor x, Precision precision, FrozenWeights? frozen = null)
    {
        int lastConvolution = precision == Precision.Fp32 ? -1 : LastConvolution(layers);
        var input = x;
        for (int i = 0; i < layers.Count; i++)
        {
            var next = Apply(layers[i], x, precision, frozen);
            if (i == lastConvolution) next = next.to(ScalarType.Float32).contiguous();
            // As Sequential does: an intermediate activation is freed once the next layer has made its own.
            if (!ReferenceEquals(next, x) && !ReferenceEquals(x, input)) x.Dispose();
            x = next;
        }
        return x;
    }

    /// <summary>One layer at the precision: a convolution on bf16 copies of its input and weight, anything else as it is.</summary>
    public static Tensor Apply(nn.Module<Tensor, Tensor> layer, Tensor x, Precision precision, FrozenWeights? frozen = null)
    {
        if (precision == Precision.Fp32) return layer.forward(x);
        return layer switch
        {
            ConvTranspose2d c => F.conv_transpose2d(ChannelsLast(x.to(Half)), WeightOf(c, c.weight!, frozen), c.bias?.to(Half),
                c.stride, c.padding, c.output_padding, c.dilation, c.groups),
            Conv2d c => F.conv2d(ChannelsLast(x.to(Half)), WeightOf(c, c.weight!, frozen), c.bias?.to(Half), c.stride, c.padding,
                c.dilation, c.groups),
            SpectralNormConv2d c => c.Forward(ChannelsLast(x.to(Half)), Half),
            ResizeConvolution c => c.Forward(x, Half),
            _ => layer.forward(x),
        };
    }

    /// <summary>A convolution's weight as its bf16 kernel takes it: the frozen copy where there is one, else made now.</summary>
    private static Tensor WeightOf(nn.Module layer, Tensor weight, FrozenWeights? frozen) =>
        frozen?.Of(layer) is { } copy && copy.device_type == weight.device_type && copy.device_index == weight.device_index
            ? copy // (a net moved to another device after freezing makes its copies per call again)
            : Bf16Weight(weight);

    private static Tensor Bf16Weight(Tensor weight) => ChannelsLast(weight.to(Half));

    /// <summary>
    /// bf16 channels-last copies of a net's convolution weights, made once for a net that only draws (a loaded model): each
    /// call otherwise converts all of them again, ~21 MB of memory traffic per pass of the tutorial's G. Only for weights
    /// that no longer change; training and anything that updates the weights must not hold one. The values are exactly the
    /// ones made per call, so the images are the same bytes.
    /// </summary>
    internal sealed class FrozenWeights : IDisposable
    {
        private readonly Dictionary<nn.Module, Tensor> weights = new(ReferenceEqualityComparer.Instance);

        public FrozenWeights(IEnumerable<nn.Module<Tensor, Tensor>> layers)
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope(); // the conversion's temporaries freed at once; the copies kept
            foreach (var layer in layers)
                if (layer is Convolution { weight: { } weight })
                    weights[layer] = Bf16Weight(weight).DetachFromDisposeScope();
        }

        public Tensor? Of(nn.Module layer) => weights.GetValueOrDefault(layer);

        public void Dispose()
        {
            foreach (var weight in weights.Values) weight.Dispose();
            weights.Clear();
        }
    }

    /// <summary>
    /// The same [N, C, H, W] tensor stored as N, H, W, C. TorchSharp 0.107 has no memory_format argument; a permuted
    /// copy has exactly torch.channels_last's strides, which libtorch's convolutions detect and keep in their outputs.
    /// </summary>
    internal static Tensor ChannelsLast(Tensor x) => x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);

    private static int LastConvolution(IReadOnlyList<nn.Module<Tensor, Tensor>> layers)
    {
        for (int i = layers.Count - 1; i >= 0; i--)
            if (layers[i] is Convolution or SpectralNormConv2d or ResizeConvolution) return i;
        return -1;
    }
}
