using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Dcgan.Models;

/// <summary>
/// The DCGAN discriminator: stride-2 Conv + LeakyReLU(0.2) blocks (BatchNorm on all but the first) down to 4x4,
/// then Conv to one value. The tutorial ends with Sigmoid (a probability); the logit losses leave it out.
/// </summary>
internal sealed class Discriminator : Module<Tensor, Tensor>
{
    private readonly Sequential main;
    private readonly IReadOnlyList<Module<Tensor, Tensor>> layers;

    /// <summary>The layers of <c>main</c> in order (layer i holds the state_dict keys <c>main.i.*</c>).</summary>
    public IReadOnlyList<Module<Tensor, Tensor>> Layers => layers;

    public ModelOptions Options { get; }

    /// <summary>The arithmetic of the convolutions (fp32, the tutorial's, by default); the weights stay fp32 either way.</summary>
    public Precision Precision { get; set; }

    public Discriminator(ModelOptions options) : base(nameof(Discriminator))
    {
        Options = options.Validate();
        long ndf = options.Ndf, nc = options.Nc;
        // The tutorial's nn.Sequential, written out for each image size; a layer's index is its state_dict key (main.0 ...).
        // BatchNorm is left out for WGAN-GP's critic, the Sigmoid for the logit losses, so the indices follow.
        Module<Tensor, Tensor>[] layers = options.ImageSize switch
        {
            64 =>
            [
                .. FirstDown(nc, ndf), // input is (nc) x 64 x 64; state size (ndf) x 32 x 32
                .. Down(ndf, ndf * 2), // state size (ndf*2) x 16 x 16
                .. Down(ndf * 2, ndf * 4), // state size (ndf*4) x 8 x 8
                .. Down(ndf * 4, ndf * 8), // state size (ndf*8) x 4 x 4
                .. Score(ndf * 8), // state size 1 x 1 x 1
            ],
            32 =>
            [
                .. FirstDown(nc, ndf), // input is (nc) x 32 x 32; state size (ndf) x 16 x 16
                .. Down(ndf, ndf * 2), // state size (ndf*2) x 8 x 8
                .. Down(ndf * 2, ndf * 4), // state size (ndf*4) x 4 x 4
                .. Score(ndf * 4), // state size 1 x 1 x 1
            ],
            128 =>
            [
                .. FirstDown(nc, ndf), // input is (nc) x 128 x 128; state size (ndf) x 64 x 64
                .. Down(ndf, ndf * 2), // state size (ndf*2) x 32 x 32
                .. Down(ndf * 2, ndf * 4), // state size (ndf*4) x 16 x 16
                .. Down(ndf * 4, ndf * 8), // state size (ndf*8) x 8 x 8
                .. Down(ndf * 8, ndf * 16), // state size (ndf*16) x 4 x 4
                .. Score(ndf * 16), // state size 1 x 1 x 1
            ],
            _ => throw new InputException("imageSize", InputProblem.OutOfRange, $"must be 32, 64 or 128 (got {options.ImageSize})"),
        };
        main = Sequential(layers.Select((layer, i) => (i.ToString(), layer)).ToArray());
        RegisterComponents();
        this.layers = layers;

        // Conv2d(in, out, 4, 2, 1) halves the side; spectral normalisation wraps it when asked for.
        Module<Tensor, Tensor> Conv(long from, long to, long stride, long padding) => options.SpectralNorm
            ? new SpectralNormConv2d(from, to, 4, stride, padding)
            : padding == 0
                ? Conv2d(from, to, 4, stride: stride, bias: false)
                : Conv2d(from, to, 4, stride: stride, padding: padding, bias: false);
        // The first block has no BatchNorm (as in the tutorial): Conv2d, LeakyReLU(0.2).
        Module<Tensor, Tensor>[] FirstDown(long from, long to) => [Conv(from, to, 2, 1), new LeakyReLU(0.2)];
        // Conv2d, BatchNorm, LeakyReLU(0.2).
        Module<Tensor, Tensor>[] Down(long from, long to) => options.DiscriminatorUsesBatchNorm
            ? [Conv(from, to, 2, 1), BatchNorm2d(to), new LeakyReLU(0.2)]
            : [Conv(from, to, 2, 1), new LeakyReLU(0.2)];
        // Conv2d(ndf*k, 1, 4, 1, 0) from 4x4 to one score; Sigmoid makes it the tutorial's probability.
        Module<Tensor, Tensor>[] Score(long from) => options.DiscriminatorEndsWithSigmoid ? [Conv(from, 1, 1, 0), Sigmoid()] : [Conv(from, 1, 1, 0)];
    }

    /// <summary>Images [B, nc, size, size] -> [B]: probabilities for the tutorial's loss, logits otherwise.</summary>
    public override Tensor forward(Tensor images)
    {
        if (images.dim() != 4 || images.shape[1] != Options.Nc || images.shape[2] != Options.ImageSize ||
            images.shape[3] != Options.ImageSize)
            throw new ArgumentException(
                $"the discriminator expects images of shape [B, {Options.Nc}, {Options.ImageSize}, {Options.ImageSize}], " +
                $"got [{string.Join(", ", images.shape)}]");
        return (Precision == Precision.Fp32 ? main.forward(images) : MixedPrecision.Forward(layers, images, Precision)).view(-1);
    }

    /// <summary>D's raw score before the tutorial's Sigmoid (the same as <see cref="forward"/> for the logit losses): [B].</summary>
    public Tensor Logits(Tensor images)
    {
        if (!Options.DiscriminatorEndsWithSigmoid) return forward(images);
        return MixedPrecision.Forward(layers.SkipLast(1).ToList(), images, Precision).view(-1);
    }

    /// <summary>
    /// The activations after each LeakyReLU, from fine to coarse: what D has learned to look at in this domain, used as
    /// a perceptual distance (GAN inversion's feature loss). Differentiable with respect to the images.
    /// </summary>
    public IReadOnlyList<Tensor> Features(Tensor images)
    {
        var features = new List<Tensor>();
        var x = images;
        foreach (var layer in layers.SkipLast(Options.DiscriminatorEndsWithSigmoid ? 2 : 1))
        {
            x = MixedPrecision.Apply(layer, x, Precision);
            if (layer is LeakyReLU) features.Add(x.to(ScalarType.Float32));
        }
        return features;
    }

}
