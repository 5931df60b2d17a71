using Dcgan.Data;
using Dcgan.Latent;
using Dcgan.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using TorchGenerator = TorchSharp.torch.Generator;

namespace Dcgan.Training;

/// <summary>What one training step measured: the tutorial's Loss_D, Loss_G, D(x), D(G(z)) before and after D's update.</summary>
internal readonly record struct StepResult(double LossD, double LossG, double DX, double DGZ1, double DGZ2);

/// <summary>
/// G and D with their Adam optimizers, initialised by weights_init from the run's seed, and the training step
/// itself, which reads as the tutorial's: (1) update D on real and on detached fakes, (2) update G.
/// </summary>
internal sealed class GanPair : IDisposable
{
    private readonly TrainingOptions options;

    public Models.Generator Generator { get; }
    public Discriminator Discriminator { get; }
    public Adam OptimizerG { get; }
    public Adam OptimizerD { get; }
    /// <summary>How often each augmentation reaches each image D sees (fixed, or steered by D's overfitting).</summary>
    public AugmentStrength Augment { get; }
    /// <summary>The moving average of G (null without --ema): ema = decay * ema + (1 - decay) * G after each G update.</summary>
    public Models.Generator? GeneratorEma { get; }

    public GanPair(TrainingOptions options, Device device)
    {
        this.options = options;
        Augment = new AugmentStrength(options.AugmentP, options.AugmentAdaptive);
        Generator = new Models.Generator(options.Model);
        Discriminator = new Discriminator(options.Model);
        using (var initRandom = new TorchGenerator(SeedMixer.Mix(options.Seed, RandomStream.WeightInit)))
        {
            WeightInit.Apply(Generator, initRandom);
            WeightInit.Apply(Discriminator, initRandom);
        }
        Generator.to(device);
        Discriminator.to(device);
        Generator.Precision = Discriminator.Precision = options.Precision;
        OptimizerG = optim.Adam(Generator.parameters(), options.LrG, options.Beta1, options.Beta2);
        OptimizerD = optim.Adam(Discriminator.parameters(), options.LrD, options.Beta1, options.Beta2);
        Generator.train();
        Discriminator.train();
        if (options.EmaDecay is not null)
        {
            GeneratorEma = new Models.Generator(options.Model);
            GeneratorEma.to(device);
            GeneratorEma.Precision = options.Precision;
            CopyInto(GeneratorEma, Generator);
            GeneratorEma.eval();
        }
    }

    /// <summary>Starts the average from G's current weights (after loading PyTorch weights, say).</summary>
    public void ResetEma()
    {
        if (GeneratorEma is not null) CopyInto(GeneratorEma, Generator);
    }

    private static void CopyInto(nn.Module target, nn.Module source)
    {
        using var noGrad = no_grad();
        var from = source.state_dict();
        foreach (var (key, value) in target.state_dict()) value.copy_(from[key]);
    }

    /// <summary>
    /// ema = decay * ema + (1 - decay) * G for the weights; BatchNorm's running statistics and counters are copied,
    /// since they are not learned and the average of statistics would describe no network.
    /// </summary>
    private void UpdateEma()
    {
        if (GeneratorEma is null) return;
        using var noGrad = no_grad();
        double decay = options.EmaDecay!.Value;
        var current = Generator.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        // Kept Scalars (Models/KeptScalars.cs): an implicit double -> Scalar per parameter and step is left to the finalizer,
        // which can free it while libtorch still reads it.
        var keep = KeptScalars.Of(decay);
        var blend = KeptScalars.Of(1 - decay);
        foreach (var (name, average) in GeneratorEma.named_parameters()) average.mul_(keep).add_(current[name], alpha: blend);
        var buffers = Generator.named_buffers().ToDictionary(b => b.name, b => b.buffer);
        foreach (var (name, buffer) in GeneratorEma.named_buffers()) buffer.copy_(buffers[name]);
    }

    /// <summary>Latents over which the average's BatchNorm statistics are measured before it is drawn or saved.</summary>
    public const int EmaRecalibrationSamples = 4096;

    /// <summary>
    /// Re-measures the moving average's BatchNorm statistics over z from the prior (measured: FID 313 against 334 with
    /// G's copied statistics on Fashion-MNIST, 919 against 984 on the emoji set; docs/experiments.md). The averaged
    /// weights differ from G's, so G's running statistics do not fit them. The next step copies G's statistics again,
    /// so training and exact resumption are unaffected.
    /// </summary>
    public void MeasureEmaBatchNorm()
    {
        if (GeneratorEma is null) return;
        using var scope = NewDisposeScope();
        BatchNormRecalibration.Apply(GeneratorEma, EmaRecalibrationSamples, batchSize: 64, seed: 0);
    }

    /// <summary>One step on a real batch in [-1, 1]; all noise comes from <paramref name="random"/>. Call inside a dispose scope.</summary>
    public StepResult Step(Tensor real, TorchGenerator random, long step)
    {
        var loss = options.Model.Loss;
        if (options.LrDecay is { } decay)
        {
            double factor = decay.Factor(step);
            foreach (var group in OptimizerD.ParamGroups) group.LearningRate = options.LrD * factor;
            foreach (var group in OptimizerG.ParamGroups) group.LearningRate = options.LrG * factor;
        }
        var z = LatentSampler.Draw(real.shape[0], options.Model.Nz, options.Model.Prior, random).to(real.device);

        // Everything D sees goes through the same augmentation policy (none by default), reals and fakes alike.
        double p = Augment.P; // one dose for the whole step: D's reals, D's fakes and G's fakes alike
        Tensor Seen(Tensor images) =>
            options.Augment == AugmentPolicy.None ? images : DiffAugment.Apply(images, options.Augment, random, p, options.AugmentTranslation);

        // (1) Update D: maximise log D(x) + log(1 - D(G(z))), on the real batch and on fakes detached from G.
        OptimizerD.zero_grad();
        var seenReal = Seen(real);
        var outReal = Discriminator.forward(seenReal);
        var fake = Generator.forward(z);
        var outFake = Discriminator.forward(Seen(fake.detach()));
        var lossD = Losses.DiscriminatorReal(loss, outReal).add(Losses.DiscriminatorFake(loss, outFake));
        if (loss == LossKind.WganGp)
            lossD = lossD.add(Losses.GradientPenalty(Discriminator, real, fake.detach(), random).mul(options.GradientPenalty));
        if (options.R1 > 0) lossD = lossD.add(Losses.R1Penalty(Discriminator, seenReal).mul(options.R1 / 2));
        lossD.backward();
        OptimizerD.step();
        double dx = Losses.MeanScore(loss, outReal), dgz1 = Losses.MeanScore(loss, outFake);
        Augment.Observe(outReal, loss, step);

        // (2) Update G: maximise log D(G(z)), the non-saturating loss (WGAN-GP: once per CriticSteps critic updates).
        if (loss == LossKind.WganGp && step % options.CriticSteps != options.CriticSteps - 1)
            return new StepResult(lossD.item<float>(), double.NaN, dx, dgz1, double.NaN);
        OptimizerG.zero_grad();
        var outFakeAfter = Discriminator.forward(Seen(fake));
        var lossG = Losses.Generator(loss, outFakeAfter);
        lossG.backward();
        OptimizerG.step();
        UpdateEma();
        return new StepResult(lossD.item<float>(), lossG.item<float>(), dx, dgz1, Losses.MeanScore(loss, outFakeAfter));
    }

    public void Dispose()
    {
        OptimizerG.Dispose();
        OptimizerD.Dispose();
        GeneratorEma?.Dispose();
        Generator.Dispose();
        Discriminator.Dispose();
    }
}
