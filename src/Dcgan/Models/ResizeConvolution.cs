using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace Dcgan.Models;

/// <summary>
/// A side-doubling layer without the checkerboard of strided transposed convolutions (Odena et al. 2016): nearest-neighbour
/// 2x resize, then a 3x3 convolution (padding 1, no bias). PyTorch's equivalent is
/// <c>nn.Sequential(nn.Upsample(scale_factor=2, mode='nearest'), nn.Conv2d(in, out, 3, 1, 1, bias=False))</c>, so its one
/// weight's state_dict key is <c>main.i.1.weight</c>, shape [out, in, 3, 3] (the resize has no weights).
/// </summary>
internal sealed class ResizeConvolution : Module<Tensor, Tensor>
{
    public Conv2d Convolution { get; }

    public ResizeConvolution(long inChannels, long outChannels) : base(nameof(ResizeConvolution))
    {
        Convolution = Conv2d(inChannels, outChannels, 3, stride: 1, padding: 1, bias: false);
        register_module("1", Convolution); // index 0 is the Upsample, which has no state
    }

    public override Tensor forward(Tensor x) => Convolution.forward(Resize(x));

    /// <summary>At another precision: the convolution on <paramref name="precision"/> copies of the resized input and the weight.</summary>
    public Tensor Forward(Tensor x, ScalarType precision) =>
        F.conv2d(MixedPrecision.ChannelsLast(Resize(x.to(precision))), MixedPrecision.ChannelsLast(Convolution.weight!.to(precision)),
            null, Convolution.stride, Convolution.padding, Convolution.dilation, Convolution.groups);

    private static Tensor Resize(Tensor x) => F.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);
}
