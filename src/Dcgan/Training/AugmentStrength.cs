using Dcgan.Models;
using static TorchSharp.torch;

namespace Dcgan.Training;

/// <summary>Where the adaptive augmentation probability stands: p and the overfitting signal gathered since the last update.</summary>
internal sealed record AugmentState(double P, double SignSum, long SignCount);

/// <summary>
/// The probability p with which each augmentation is applied to each image D sees. Fixed (--augment-p 0.5), or steered
/// as ADA does (Karras et al. 2020, "Training Generative Adversarial Networks with Limited Data"; --augment-p auto):
/// r_t = E[sign(D's raw score on reals)] measures how sure D is of the training images. Every few steps p moves up
/// when r_t is above the target 0.6 (D is overfitting) and down when below, by an amount that could take it from 0 to
/// 1 in <see cref="RampImages"/> images. ADA's own ramp is 500k images for runs of tens of millions; these runs see
/// about 100k, so the ramp is shorter in proportion.
/// </summary>
internal sealed class AugmentStrength
{
    public const double Target = 0.6;
    public const int Interval = 4;
    public const double RampImages = 20_000;

    private readonly bool adaptive;
    private double signSum;
    private long signCount;

    public double P { get; private set; }

    public AugmentStrength(double p, bool adaptive)
    {
        this.adaptive = adaptive;
        P = adaptive ? 0 : p; // ADA starts without augmentation and adds it as D starts to overfit
    }

    public AugmentState State => new(P, signSum, signCount);

    public void Restore(AugmentState? state)
    {
        if (!adaptive || state is null) return;
        (P, signSum, signCount) = (state.P, state.SignSum, state.SignCount);
    }

    /// <summary>
    /// Adds D's outputs on the (augmented) reals of one step to the signal, and after every <see cref="Interval"/> steps
    /// moves p.
    /// </summary>
    public void Observe(Tensor realOutputs, LossKind loss, long step)
    {
        if (!adaptive) return;
        // The raw score's sign says "real": for the tutorial's Sigmoid that is above 0.5, and LSGAN's D is trained
        // towards 1 for reals and 0 for fakes, so its midpoint is 0.5 too.
        using var centred = loss is LossKind.Bce or LossKind.Lsgan ? realOutputs.detach().sub(0.5) : realOutputs.detach();
        signSum += centred.sign().sum().item<float>();
        signCount += realOutputs.shape[0];
        if ((step + 1) % Interval != 0) return;
        double overfitting = signSum / signCount;
        P = Math.Clamp(P + Math.Sign(overfitting - Target) * signCount / RampImages, 0, 1);
        (signSum, signCount) = (0, 0);
    }
}
