using System.Globalization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dcgan.Models;

/// <summary>
/// A layer written as PyTorch's print(net) writes it, e.g. <c>ConvTranspose2d(100, 512, kernel_size=(4, 4), stride=(1, 1),
/// bias=False)</c>, so the tutorial's printed networks can be compared line by line.
/// </summary>
internal static class LayerText
{
    public static string Of(nn.Module layer) => layer switch
    {
        ConvTranspose2d c => $"ConvTranspose2d({c.in_channels}, {c.out_channels}, {Convolution(c.kernel_size, c.stride, c.padding ?? [0], c.bias)})",
        Conv2d c => $"Conv2d({c.in_channels}, {c.out_channels}, {Convolution(c.kernel_size, c.stride, c.padding ?? [0], c.bias)})",
        SpectralNormConv2d => "Conv2d(spectral norm)",
        ResizeConvolution r => $"Sequential((0): Upsample(scale_factor=2.0, mode='nearest'), (1): {Of(r.Convolution)})",
        BatchNorm2d b => $"BatchNorm2d({b.num_features}, eps={Number(b.eps)}, momentum={Number(b.momentum ?? 0.1)}, " +
                         $"affine={Bool(b.affine)}, track_running_stats={Bool(b.track_running_stats)})",
        ReLU r => $"ReLU({(r.inplace ? "inplace=True" : "")})",
        LeakyReLU l => $"LeakyReLU(negative_slope={Number(l.NegativeSlope)})",
        TorchSharp.Modules.LeakyReLU l => $"LeakyReLU(negative_slope={Number(l.negative_slope)}{(l.inplace ? ", inplace=True" : "")})",
        _ => $"{layer.GetName()}()",
    };

    private static string Convolution(long[] kernel, long[] stride, long[] padding, Tensor? bias) =>
        $"kernel_size={Pair(kernel)}, stride={Pair(stride)}" + (padding.Any(p => p != 0) ? $", padding={Pair(padding)}" : "") +
        (bias is null ? ", bias=False" : "");

    private static string Pair(long[] values) => values.Length == 1 ? $"({values[0]}, {values[0]})" : $"({string.Join(", ", values)})";

    private static string Number(double value) =>
        value < 1e-3 ? value.ToString("0e-00", CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);

    private static string Bool(bool value) => value ? "True" : "False";
}
