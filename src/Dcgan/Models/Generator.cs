using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Dcgan.Models;

/// <summary>
/// The DCGAN generator: z (nz x 1 x 1) -> ConvT to 4x4 -> stride-2 ConvT blocks -> nc x size x size, Tanh.
/// Layers live in a Sequential named <c>main</c> so the state_dict keys are PyTorch's (<c>main.0.weight</c>, ...).
/// </summary>
public sealed class Generator : Module<Tensor, Tensor>
{
    private readonly Sequential main;

    public ModelOptions Options { get; }

    public Generator(ModelOptions options) : base(nameof(Generator))
    {
        Options = options.Validate();
        var layers = new List<Module<Tensor, Tensor>>();
        long channels = (long)options.Ngf << options.MiddleBlocks;
        layers.Add(ConvTranspose2d(options.Nz, channels, 4, stride: 1, bias: false));
        layers.Add(BatchNorm2d(channels));
        layers.Add(Activation(options.GeneratorActivation));
        for (int block = 0; block < options.MiddleBlocks; block++)
        {
            layers.Add(ConvTranspose2d(channels, channels / 2, 4, stride: 2, padding: 1, bias: false));
            layers.Add(BatchNorm2d(channels / 2));
            layers.Add(Activation(options.GeneratorActivation));
            channels /= 2;
        }
        layers.Add(ConvTranspose2d(channels, options.Nc, 4, stride: 2, padding: 1, bias: false));
        layers.Add(Tanh());
        main = Sequential(layers.Select((layer, i) => (i.ToString(), (Module<Tensor, Tensor>)layer)).ToArray());
        RegisterComponents();
    }

    /// <summary>z as [B, nz] or [B, nz, 1, 1]; returns images in [-1, 1], [B, nc, size, size].</summary>
    public override Tensor forward(Tensor z)
    {
        if (z.dim() == 2) z = z.view(z.shape[0], z.shape[1], 1, 1);
        if (z.dim() != 4 || z.shape[1] != Options.Nz || z.shape[2] != 1 || z.shape[3] != 1)
            throw new ArgumentException($"the generator expects z of shape [B, {Options.Nz}, 1, 1], got [{string.Join(", ", z.shape)}]");
        return main.forward(z);
    }

    /// <summary>The first layer's weight, [nz, channels, 4, 4]: what SeFa factorises.</summary>
    public Tensor FirstLayerWeight => ((ConvTranspose2d)main.children().First()).weight!;

    /// <summary>The output of the first block (ConvT, BatchNorm, activation): the features GANSpace runs PCA on.</summary>
    public Tensor FirstBlock(Tensor z)
    {
        if (z.dim() == 2) z = z.view(z.shape[0], z.shape[1], 1, 1);
        var x = z;
        foreach (var layer in main.children().Take(3).Cast<Module<Tensor, Tensor>>()) x = layer.forward(x);
        return x;
    }

    private static Module<Tensor, Tensor> Activation(GeneratorActivation activation) => activation switch
    {
        GeneratorActivation.Relu => ReLU(inplace: true),
        GeneratorActivation.LeakyRelu => new LeakyReLU(0.2),
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };
}
