using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Dcgan.Models;

/// <summary>
/// The DCGAN generator: z (nz x 1 x 1) -> ConvT to 4x4 -> stride-2 ConvT blocks -> nc x size x size, Tanh.
/// Layers live in a Sequential named <c>main</c> so the state_dict keys are PyTorch's (<c>main.0.weight</c>, ...).
/// </summary>
internal sealed class Generator : Module<Tensor, Tensor>
{
    private readonly Sequential main;
    private readonly IReadOnlyList<Module<Tensor, Tensor>> layers;

    public ModelOptions Options { get; }

    /// <summary>The arithmetic of the convolutions (fp32, the tutorial's, by default); the weights stay fp32 either way.</summary>
    public Precision Precision { get; set; }

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
        this.layers = main.children().Cast<Module<Tensor, Tensor>>().ToList();
    }

    /// <summary>z as [B, nz] or [B, nz, 1, 1]; returns images in [-1, 1], [B, nc, size, size].</summary>
    public override Tensor forward(Tensor z)
    {
        if (z.dim() == 2) z = z.view(z.shape[0], z.shape[1], 1, 1);
        if (z.dim() != 4 || z.shape[1] != Options.Nz || z.shape[2] != 1 || z.shape[3] != 1)
            throw new ArgumentException($"the generator expects z of shape [B, {Options.Nz}, 1, 1], got [{string.Join(", ", z.shape)}]");
        return Precision == Precision.Fp32 ? main.forward(z) : MixedPrecision.Forward(layers, z, Precision);
    }

    /// <summary>The layers of <c>main</c> in order (layer i holds the state_dict keys <c>main.i.*</c>).</summary>
    public IReadOnlyList<Module<Tensor, Tensor>> Layers => layers;

    /// <summary>The first layer's weight, [nz, channels, 4, 4]: what SeFa factorises.</summary>
    public Tensor FirstLayerWeight => ((ConvTranspose2d)layers[0]).weight!;

    /// <summary>The output of the first block (ConvT, BatchNorm, activation): the features GANSpace runs PCA on.</summary>
    public Tensor FirstBlock(Tensor z)
    {
        if (z.dim() == 2) z = z.view(z.shape[0], z.shape[1], 1, 1);
        return MixedPrecision.Forward(layers.Take(3).ToList(), z, Precision);
    }

    private static Module<Tensor, Tensor> Activation(GeneratorActivation activation) => activation switch
    {
        GeneratorActivation.Relu => ReLU(inplace: true),
        GeneratorActivation.LeakyRelu => new LeakyReLU(0.2),
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };
}
