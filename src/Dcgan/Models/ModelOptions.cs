using System.Text.Json.Serialization;

namespace Dcgan.Models;

internal enum GeneratorActivation { Relu, LeakyRelu }

/// <summary>The adversarial loss. <see cref="Bce"/> is the tutorial's Sigmoid + BCELoss; the others make D output logits.</summary>
internal enum LossKind { Bce, BceLogits, Lsgan, Hinge, WganGp }

/// <summary>The distribution z is drawn from; stored with the model so sampling matches training.</summary>
internal enum LatentPrior { Normal, Uniform }

/// <summary>Architecture settings. The defaults reproduce the PyTorch DCGAN tutorial exactly.</summary>
internal sealed record ModelOptions
{
    public int Nz { get; init; } = 100;
    public int Ngf { get; init; } = 64;
    public int Ndf { get; init; } = 64;
    public int Nc { get; init; } = 3;
    public int ImageSize { get; init; } = 64;
    public GeneratorActivation GeneratorActivation { get; init; } = GeneratorActivation.Relu;
    public LossKind Loss { get; init; } = LossKind.Bce;
    public LatentPrior Prior { get; init; } = LatentPrior.Normal;

    public static readonly int[] SupportedImageSizes = [32, 64, 128];

    /// <summary>Stride-2 blocks between the 4x4 first layer and the last layer: 64 -> 3, as in the tutorial.</summary>
    [JsonIgnore]
    public int MiddleBlocks => (int)Math.Log2(ImageSize) - 3;

    /// <summary>The critic of WGAN-GP has no BatchNorm: the gradient penalty is per sample.</summary>
    [JsonIgnore]
    public bool DiscriminatorUsesBatchNorm => Loss != LossKind.WganGp;

    /// <summary>Only the tutorial's loss keeps the Sigmoid inside D; the others work on logits.</summary>
    [JsonIgnore]
    public bool DiscriminatorEndsWithSigmoid => Loss == LossKind.Bce;

    /// <summary>
    /// How many of G's last side-doubling layers are a nearest-neighbour resize and a 3x3 convolution
    /// (<see cref="ResizeConvolution"/>) instead of the tutorial's stride-2 transposed convolution: 0 (the tutorial) to
    /// all of them. Their keys are main.i.1.weight, [out, in, 3, 3].
    /// </summary>
    public int GeneratorResizeConvolutions { get; init; }

    /// <summary>G's side-doubling layers: every layer after the first (64 px: 4).</summary>
    [JsonIgnore]
    public int GeneratorDoublingLayers => MiddleBlocks + 1;

    /// <summary>D's convolutions spectrally normalised (torch.nn.utils.spectral_norm's keys: weight_orig, weight_u, weight_v).</summary>
    public bool SpectralNorm { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    public ModelOptions Validate()
    {
        Require(Nz >= 1 && Nz <= 4096, "nz", $"must be between 1 and 4096 (got {Nz})");
        Require(Ngf >= 1 && Ngf <= 1024, "ngf", $"must be between 1 and 1024 (got {Ngf})");
        Require(Ndf >= 1 && Ndf <= 1024, "ndf", $"must be between 1 and 1024 (got {Ndf})");
        Require(Nc is 1 or 3, "nc", $"must be 1 (grayscale) or 3 (RGB) (got {Nc})");
        Require(SupportedImageSizes.Contains(ImageSize), "imageSize",
            $"must be one of {string.Join(", ", SupportedImageSizes)} (got {ImageSize}): the number of stride-2 blocks follows from it");
        Require(GeneratorResizeConvolutions >= 0 && GeneratorResizeConvolutions <= GeneratorDoublingLayers, "gResizeConv",
            $"must be between 0 and {GeneratorDoublingLayers}, the generator's side-doubling layers at {ImageSize} px (got {GeneratorResizeConvolutions})");
        return this;
    }

    private static void Require(bool condition, string setting, string reason)
    {
        if (!condition) throw new InputException(setting, InputProblem.OutOfRange, reason);
    }
}
