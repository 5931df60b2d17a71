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

    private MixedPrecision.FrozenWeights? frozen;

    /// <summary>
    /// For a generator that only draws from now on (a loaded model): its bf16 weights are made once instead of on every
    /// pass. Training never calls this, since its weights change with every step.
    /// </summary>
    public void FreezeForDrawing()
    {
        frozen?.Dispose();
        frozen = Precision == Precision.Bf16 ? new MixedPrecision.FrozenWeights(layers) : null;
    }

    public Generator(ModelOptions options) : base(nameof(Generator))
    {
        Options = options.Validate();
        long nz = options.Nz, ngf = options.Ngf, nc = options.Nc;
        // The last GeneratorResizeConvolutions of the side-doubling layers are resize + convolution; the others the tutorial's.
        int doubling = 0, firstResize = options.GeneratorDoublingLayers - options.GeneratorResizeConvolutions;
        // The tutorial's nn.Sequential, written out for each image size; a layer's index is its state_dict key (main.0 ...).
        Module<Tensor, Tensor>[] layers = options.ImageSize switch
        {
            64 =>
            [
                .. First(nz, ngf * 8), // input is Z, going into a convolution; state size (ngf*8) x 4 x 4
                .. Up(ngf * 8, ngf * 4), // state size (ngf*4) x 8 x 8
                .. Up(ngf * 4, ngf * 2), // state size (ngf*2) x 16 x 16
                .. Up(ngf * 2, ngf), // state size (ngf) x 32 x 32
                .. Last(ngf, nc), // state size (nc) x 64 x 64
            ],
            32 =>
            [
                .. First(nz, ngf * 4), // state size (ngf*4) x 4 x 4
                .. Up(ngf * 4, ngf * 2), // state size (ngf*2) x 8 x 8
                .. Up(ngf * 2, ngf), // state size (ngf) x 16 x 16
                .. Last(ngf, nc), // state size (nc) x 32 x 32
            ],
            128 =>
            [
                .. First(nz, ngf * 16), // state size (ngf*16) x 4 x 4
                .. Up(ngf * 16, ngf * 8), // state size (ngf*8) x 8 x 8
                .. Up(ngf * 8, ngf * 4), // state size (ngf*4) x 16 x 16
                .. Up(ngf * 4, ngf * 2), // state size (ngf*2) x 32 x 32
                .. Up(ngf * 2, ngf), // state size (ngf) x 64 x 64
                .. Last(ngf, nc), // state size (nc) x 128 x 128
            ],
            _ => throw new InputException("imageSize", InputProblem.OutOfRange, $"must be 32, 64 or 128 (got {options.ImageSize})"),
        };
        main = Sequential(layers.Select((layer, i) => (i.ToString(), layer)).ToArray());
        RegisterComponents();
        this.layers = layers;

        // ConvTranspose2d(in, out, kernel 4, stride 1, padding 0) from 1x1 to 4x4, BatchNorm, ReLU.
        Module<Tensor, Tensor>[] First(long from, long to) =>
            [ConvTranspose2d(from, to, 4, stride: 1, bias: false), BatchNorm2d(to), Activation(options.GeneratorActivation)];
        // ConvTranspose2d(in, out, 4, 2, 1): doubles the side. BatchNorm, ReLU.
        Module<Tensor, Tensor>[] Up(long from, long to) => [Doubling(from, to), BatchNorm2d(to), Activation(options.GeneratorActivation)];
        // The image: ConvTranspose2d(ngf, nc, 4, 2, 1), then Tanh to [-1, 1].
        Module<Tensor, Tensor>[] Last(long from, long to) => [Doubling(from, to), Tanh()];
        // Called in the order the layers above are listed, so the count says which side-doubling layer this is.
        Module<Tensor, Tensor> Doubling(long from, long to) => doubling++ >= firstResize
            ? new ResizeConvolution(from, to)
            : ConvTranspose2d(from, to, 4, stride: 2, padding: 1, bias: false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) frozen?.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>z as [B, nz] or [B, nz, 1, 1]; returns images in [-1, 1], [B, nc, size, size].</summary>
    public override Tensor forward(Tensor z)
    {
        if (z.dim() == 2) z = z.view(z.shape[0], z.shape[1], 1, 1);
        if (z.dim() != 4 || z.shape[1] != Options.Nz || z.shape[2] != 1 || z.shape[3] != 1)
            throw new ArgumentException($"the generator expects z of shape [B, {Options.Nz}, 1, 1], got [{string.Join(", ", z.shape)}]");
        return Precision == Precision.Fp32 ? main.forward(z) : MixedPrecision.Forward(layers, z, Precision, frozen);
    }

    /// <summary>The layers of <c>main</c> in order (layer i holds the state_dict keys <c>main.i.*</c>).</summary>
    public IReadOnlyList<Module<Tensor, Tensor>> Layers => layers;

    /// <summary>The first layer's weight, [nz, channels, 4, 4]: what SeFa factorises.</summary>
    public Tensor FirstLayerWeight => ((ConvTranspose2d)layers[0]).weight!;

    /// <summary>The output of the first block (ConvT, BatchNorm, activation): the features GANSpace runs PCA on.</summary>
    public Tensor FirstBlock(Tensor z)
    {
        if (z.dim() == 2) z = z.view(z.shape[0], z.shape[1], 1, 1);
        return MixedPrecision.Forward(layers.Take(3).ToList(), z, Precision, frozen);
    }

    private static Module<Tensor, Tensor> Activation(GeneratorActivation activation) => activation switch
    {
        GeneratorActivation.Relu => ReLU(inplace: true),
        GeneratorActivation.LeakyRelu => new LeakyReLU(0.2),
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };
}
