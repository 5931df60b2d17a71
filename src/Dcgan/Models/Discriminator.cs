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
        var layers = new List<Module<Tensor, Tensor>>();
        long channels = options.Ndf;
        Module<Tensor, Tensor> Conv(long from, long to, long stride, long padding) => options.SpectralNorm
            ? new SpectralNormConv2d(from, to, 4, stride, padding)
            : padding == 0
                ? Conv2d(from, to, 4, stride: stride, bias: false)
                : Conv2d(from, to, 4, stride: stride, padding: padding, bias: false);
        layers.Add(Conv(options.Nc, channels, 2, 1));
        layers.Add(new LeakyReLU(0.2));
        for (int block = 0; block < options.MiddleBlocks; block++)
        {
            layers.Add(Conv(channels, channels * 2, 2, 1));
            if (options.DiscriminatorUsesBatchNorm) layers.Add(BatchNorm2d(channels * 2));
            layers.Add(new LeakyReLU(0.2));
            channels *= 2;
        }
        layers.Add(Conv(channels, 1, 1, 0));
        if (options.DiscriminatorEndsWithSigmoid) layers.Add(Sigmoid());
        main = Sequential(layers.Select((layer, i) => (i.ToString(), (Module<Tensor, Tensor>)layer)).ToArray());
        RegisterComponents();
        this.layers = main.children().Cast<Module<Tensor, Tensor>>().ToList();
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
