using TorchSharp.Modules;
using static TorchSharp.torch;
using TorchGenerator = TorchSharp.torch.Generator;

namespace Dcgan.Models;

/// <summary>The tutorial's <c>weights_init</c>: conv weights N(0, 0.02); BatchNorm weight N(1, 0.02), bias 0.</summary>
internal static class WeightInit
{
    // Tensor.normal_ rather than nn.init.normal_: TorchSharp 0.107's nn.init.normal_ ignores its generator argument,
    // which would make initialisation (and so whole runs) irreproducible.
    public static void Apply(nn.Module module, TorchGenerator? random = null)
    {
        using var noGrad = no_grad();
        foreach (var (_, child) in module.named_modules())
        {
            switch (child)
            {
                case Conv2d conv:
                    conv.weight!.normal_(0.0, 0.02, random);
                    break;
                case SpectralNormConv2d normalised:
                    normalised.Initialise(random);
                    break;
                case ConvTranspose2d convT:
                    convT.weight!.normal_(0.0, 0.02, random);
                    break;
                case BatchNorm2d norm:
                    norm.weight!.normal_(1.0, 0.02, random);
                    nn.init.zeros_(norm.bias!);
                    break;
            }
        }
    }
}
