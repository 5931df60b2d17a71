using Dcgan.Models;
using static TorchSharp.torch;
using TorchGenerator = TorchSharp.torch.Generator;
using F = TorchSharp.torch.nn.functional;

namespace Dcgan.Training;

/// <summary>
/// The adversarial losses on D's outputs (probabilities for <see cref="LossKind.Bce"/>, logits otherwise).
/// bce: the tutorial's BCELoss on probabilities. bce-logits: L_D = softplus(-l_real) + softplus(l_fake), L_G = softplus(-l_fake).
/// lsgan (Mao et al. 2017): L_D = ((l_real - 1)^2 + l_fake^2) / 2, L_G = (l_fake - 1)^2 / 2. hinge (Miyato et al. 2018):
/// L_D = relu(1 - l_real) + relu(1 + l_fake), L_G = -l_fake. wgan-gp (Gulrajani et al. 2017): L_D = l_fake - l_real + penalty.
/// </summary>
internal static class Losses
{
    /// <summary>D's loss on a real batch (what the tutorial calls errD_real).</summary>
    public static Tensor DiscriminatorReal(LossKind kind, Tensor output) => kind switch
    {
        LossKind.Bce => F.binary_cross_entropy(output, ones_like(output)),
        LossKind.BceLogits => F.binary_cross_entropy_with_logits(output, ones_like(output)),
        LossKind.Lsgan => output.sub(1).square().mean().mul(0.5),
        LossKind.Hinge => F.relu(output.neg().add(1)).mean(),
        LossKind.WganGp => output.mean().neg(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>D's loss on a fake batch (errD_fake).</summary>
    public static Tensor DiscriminatorFake(LossKind kind, Tensor output) => kind switch
    {
        LossKind.Bce => F.binary_cross_entropy(output, zeros_like(output)),
        LossKind.BceLogits => F.binary_cross_entropy_with_logits(output, zeros_like(output)),
        LossKind.Lsgan => output.square().mean().mul(0.5),
        LossKind.Hinge => F.relu(output.add(1)).mean(),
        LossKind.WganGp => output.mean(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>G's loss on D's output for fakes: the non-saturating form, maximising log D(G(z)).</summary>
    public static Tensor Generator(LossKind kind, Tensor output) => kind switch
    {
        LossKind.Bce => F.binary_cross_entropy(output, ones_like(output)),
        LossKind.BceLogits => F.binary_cross_entropy_with_logits(output, ones_like(output)),
        LossKind.Lsgan => output.sub(1).square().mean().mul(0.5),
        LossKind.Hinge or LossKind.WganGp => output.mean().neg(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>What the log calls D(x): a probability where the loss has one, else the raw mean score.</summary>
    public static double MeanScore(LossKind kind, Tensor output) => kind switch
    {
        LossKind.Bce => output.mean().item<float>(),
        LossKind.BceLogits => output.sigmoid().mean().item<float>(),
        _ => output.mean().item<float>(),
    };

    /// <summary>
    /// WGAN-GP's penalty: (|grad D(x_hat)| - 1)^2 on points between real and fake, e ~ U(0, 1) per sample. The caller
    /// passes the images before augmentation: with --augment the critic is scored on augmented images but kept
    /// 1-Lipschitz between un-augmented ones (no measured row combines the two).
    /// </summary>
    public static Tensor GradientPenalty(nn.Module<Tensor, Tensor> critic, Tensor real, Tensor fake, TorchGenerator random)
    {
        var epsilon = rand(real.shape[0], 1, 1, 1, generator: random).to(real.device);
        var mixed = epsilon.mul(real).add(epsilon.neg().add(1).mul(fake)).detach().requires_grad_(true);
        var scores = critic.forward(mixed);
        var gradient = autograd.grad([scores], [mixed], [ones_like(scores)], retain_graph: true, create_graph: true)[0];
        return gradient.reshape(gradient.shape[0], -1).norm(1).sub(1).square().mean();
    }

    /// <summary>
    /// R1 (Mescheder et al. 2018): E[|grad D(x)|^2] on real images, which keeps D from growing steep around the data it
    /// has memorised. Taken on D's logit, as the paper defines it (for the tutorial's D, before its Sigmoid: the
    /// probability's gradient vanishes exactly where D is sure, which is where D overfits); the caller weights it by gamma / 2.
    /// With augmentation it is taken at the augmented reals D scored (DiffAugment's StyleGAN2 code differentiates with
    /// respect to the reals before augmenting, through it), so the translation's zero borders and the cutout count too.
    /// </summary>
    public static Tensor R1Penalty(Discriminator discriminator, Tensor seenReal)
    {
        var x = seenReal.detach().requires_grad_(true);
        var scores = discriminator.Logits(x);
        var gradient = autograd.grad([scores], [x], [ones_like(scores)], retain_graph: true, create_graph: true)[0];
        // reshape, not view: augmented reals (a translation's permute) and so their gradient are not contiguous
        return gradient.reshape(gradient.shape[0], -1).square().sum(1).mean();
    }
}
