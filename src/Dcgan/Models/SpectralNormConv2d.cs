using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using TorchGenerator = TorchSharp.torch.Generator;

namespace Dcgan.Models;

/// <summary>
/// A convolution whose weight is divided by its largest singular value (spectral normalisation, Miyato et al. 2018),
/// as <c>torch.nn.utils.spectral_norm(nn.Conv2d(...))</c> does: the learned parameter is <c>weight_orig</c>, and
/// <c>weight_u</c> / <c>weight_v</c> hold the power iteration's vectors, one iteration per training forward. The
/// state_dict keys are PyTorch's own, so a D exported from here loads into a PyTorch D wrapped with spectral_norm.
/// </summary>
internal sealed class SpectralNormConv2d : nn.Module<Tensor, Tensor>
{
    private const double Eps = 1e-12;
    private readonly long stride, padding;
    private readonly Parameter weightOrig;
    private readonly Tensor weightU, weightV;

    public Parameter WeightOrig => weightOrig;

    public SpectralNormConv2d(long inChannels, long outChannels, long kernel, long stride, long padding) : base(nameof(SpectralNormConv2d))
    {
        (this.stride, this.padding) = (stride, padding);
        weightOrig = new Parameter(empty(outChannels, inChannels, kernel, kernel));
        weightU = F.normalize(randn(outChannels), dim: 0, eps: Eps);
        weightV = F.normalize(randn(inChannels * kernel * kernel), dim: 0, eps: Eps);
        register_parameter("weight_orig", weightOrig);
        register_buffer("weight_u", weightU);
        register_buffer("weight_v", weightV);
    }

    /// <summary>weights_init for this layer: the weight N(0, 0.02) and the power iteration's start, from one generator.</summary>
    public void Initialise(TorchGenerator? random)
    {
        using var noGrad = no_grad();
        weightOrig.normal_(0.0, 0.02, random);
        weightU.normal_(0.0, 1.0, random).div_(weightU.norm().clamp_min(Eps));
        weightV.normal_(0.0, 1.0, random).div_(weightV.norm().clamp_min(Eps));
    }

    /// <summary>The largest singular value of the weight as the stored vectors estimate it: u . (W v).</summary>
    public Tensor Sigma()
    {
        var matrix = weightOrig.reshape(weightOrig.shape[0], -1);
        // Copies: the next training forward updates the stored vectors in place, and backward still needs these.
        return weightU.clone().dot(matrix.mv(weightV.clone()));
    }

    public override Tensor forward(Tensor input) => Forward(input, ScalarType.Float32);

    /// <summary>The convolution computed in <paramref name="computeType"/>; the power iteration and sigma stay fp32.</summary>
    internal Tensor Forward(Tensor input, ScalarType computeType)
    {
        if (training)
        {
            // One power iteration, outside autograd, updating the stored vectors in place (as PyTorch does).
            using var noGrad = no_grad();
            var matrix = weightOrig.reshape(weightOrig.shape[0], -1);
            weightV.copy_(F.normalize(matrix.t().mv(weightU), dim: 0, eps: Eps));
            weightU.copy_(F.normalize(matrix.mv(weightV), dim: 0, eps: Eps));
        }
        var weight = weightOrig.div(Sigma());
        if (computeType != weight.dtype)
        {
            input = input.to(computeType);
            weight = MixedPrecision.ChannelsLast(weight.to(computeType));
        }
        return F.conv2d(input, weight, strides: [stride, stride], padding: [padding, padding]);
    }
}
