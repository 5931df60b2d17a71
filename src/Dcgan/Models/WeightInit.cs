using TorchSharp.Modules;
using static TorchSharp.torch;
using TorchGenerator = TorchSharp.torch.Generator;

namespace Dcgan.Models;

/// <summary>The tutorial's <c>weights_init</c>: conv weights N(0, 0.02); BatchNorm weight N(1, 0.02), bias 0.</summary>
public static class WeightInit
{
    public static void Apply(nn.Module module, TorchGenerator? random = null)
    {
        using var noGrad = no_grad();
        foreach (var (_, child) in module.named_modules())
        {
            switch (child)
            {
                case Conv2d conv:
                    nn.init.normal_(conv.weight!, 0.0, 0.02, random);
                    break;
                case ConvTranspose2d convT:
                    nn.init.normal_(convT.weight!, 0.0, 0.02, random);
                    break;
                case BatchNorm2d norm:
                    nn.init.normal_(norm.weight!, 1.0, 0.02, random);
                    nn.init.zeros_(norm.bias!);
                    break;
            }
        }
    }
}
