using Dcgan.Data;
using Dcgan.Imaging;
using Dcgan.Models;
using static TorchSharp.torch;
using TorchGenerator = TorchSharp.torch.Generator;

namespace Dcgan.Latent;

/// <summary>How an image is inverted: the search's length, its random starts and the weights of its loss terms.</summary>
internal sealed record InversionOptions
{
    /// <summary>
    /// On the current bundled model 1,000 steps bring its own images from 33 to 39 dB but real emoji only from 20.9 to
    /// 21.4 dB, at 2.5 times the wait (docs/editing.md), so the studio's default stays short.
    /// </summary>
    public int Steps { get; init; } = 400;
    public int Restarts { get; init; } = 4;
    public long Seed { get; init; }
    /// <summary>
    /// Measured on the previous bundled model's own images: 0.05 reached 27 to 29 dB, 0.3 reached 41 to 50 dB in the same
    /// 400 steps; on the current one 0.1, 0.3 and 0.6 give 30.3, 32.9 and 33.4 dB (both in docs/editing.md).
    /// </summary>
    public double LearningRate { get; init; } = 0.3;
    /// <summary>Weight of the distance between D's activations of the image and of the reconstruction (where D is known).</summary>
    public double FeatureWeight { get; init; } = 0.05;
    /// <summary>Weight of (|z|^2 / nz - 1)^2, which keeps z on the shell where the prior puts nearly all of its mass.</summary>
    public double PriorWeight { get; init; } = 1e-3;

    public InversionOptions Validate()
    {
        if (Steps is < 1 or > 10_000) throw new InputException("steps", InputProblem.OutOfRange, $"must be between 1 and 10000 (got {Steps})");
        if (Restarts is < 1 or > 64) throw new InputException("restarts", InputProblem.OutOfRange, $"must be between 1 and 64 (got {Restarts})");
        if (!(LearningRate > 0 && LearningRate <= 1)) throw new InputException("learningRate", InputProblem.OutOfRange, $"must be in (0, 1] (got {LearningRate})");
        if (!(FeatureWeight >= 0 && double.IsFinite(FeatureWeight)))
            throw new InputException("featureWeight", InputProblem.OutOfRange, $"must be a finite number >= 0 (got {FeatureWeight})");
        if (!(PriorWeight >= 0 && double.IsFinite(PriorWeight)))
            throw new InputException("priorWeight", InputProblem.OutOfRange, $"must be a finite number >= 0 (got {PriorWeight})");
        return this;
    }
}

/// <summary>The latent found for an image ([nz] values) and how close its image comes (on 8-bit pixels).</summary>
internal sealed record InversionResult(float[] Latent, double Psnr, double Ssim, int BestRestart, double Loss);

/// <summary>
/// GAN inversion by optimisation: find z whose G(z) looks like a given image. Several seeded random starts descend
/// together with Adam (eval-mode G makes each start independent of the others) on a pixel loss, plus D's activations
/// as a perceptual loss where a discriminator is given, plus a prior term; the start with the lowest loss wins.
/// Deterministic for a seed. The image goes through the training transform first (<see cref="ImageTransform"/>).
/// </summary>
internal static class Inversion
{
    public static InversionResult Invert(Models.Generator generator, Discriminator? discriminator, Tensor target, InversionOptions options,
        IProgress<int>? progress = null, CancellationToken cancel = default)
    {
        var o = options.Validate();
        var model = generator.Options;
        if (target.dim() == 3) target = target.unsqueeze(0);
        if (target.shape[0] != 1 || target.shape[1] != model.Nc || target.shape[2] != model.ImageSize || target.shape[3] != model.ImageSize)
            throw new ArgumentException($"the image to invert must be [1, {model.Nc}, {model.ImageSize}, {model.ImageSize}], " +
                $"got [{string.Join(", ", target.shape)}]");
        using var scope = NewDisposeScope();
        var parameters = generator.parameters().Concat(discriminator?.parameters() ?? []).ToList();
        var trainable = parameters.Select(p => p.requires_grad).ToList();
        generator.eval();
        discriminator?.eval();
        try
        {
            // Only z learns: the networks' weights get no gradients (and no memory for them).
            foreach (var p in parameters) p.requires_grad = false;
            using var random = new TorchGenerator(SeedMixer.Mix(o.Seed, RandomStream.InversionRestarts));
            var z = new TorchSharp.Modules.Parameter(LatentSampler.Draw(o.Restarts, model.Nz, model.Prior, random), requires_grad: true);
            var optimizer = optim.Adam([z], lr: o.LearningRate);
            var schedule = optim.lr_scheduler.CosineAnnealingLR(optimizer, o.Steps, o.LearningRate * 0.05);
            var goal = target.expand(o.Restarts, -1, -1, -1);
            IReadOnlyList<Tensor> goalFeatures = [];
            if (discriminator is not null && o.FeatureWeight > 0)
                using (no_grad()) goalFeatures = discriminator.Features(goal).Select(f => f.detach()).ToList();

            Tensor PerStart(Tensor images)
            {
                var loss = images.sub(goal).square().mean([1, 2, 3]);
                if (goalFeatures.Count > 0)
                {
                    var features = discriminator!.Features(images);
                    for (int i = 0; i < features.Count; i++)
                        loss = loss.add(features[i].sub(goalFeatures[i]).square().mean([1, 2, 3]).mul(o.FeatureWeight));
                }
                if (o.PriorWeight > 0 && model.Prior == LatentPrior.Normal)
                    loss = loss.add(z.square().sum([1, 2, 3]).div(model.Nz).sub(1).square().mul(o.PriorWeight));
                return loss;
            }

            for (int step = 0; step < o.Steps; step++)
            {
                cancel.ThrowIfCancellationRequested();
                using var noCollection = NoCollectionRegion.Enter(); // Adam's per-call Scalars (Models/NoCollectionRegion.cs)
                using var stepScope = NewDisposeScope();
                optimizer.zero_grad();
                PerStart(generator.forward(z)).sum().backward();
                optimizer.step();
                schedule.step();
                progress?.Report(step + 1);
            }
            using (no_grad())
            {
                using var noCollection = NoCollectionRegion.Enter();
                var final = PerStart(generator.forward(z));
                int best = (int)final.argmin().item<long>();
                var latent = z[best].detach().flatten().data<float>().ToArray();
                var (psnr, ssim) = Similarity(generator, latent, target);
                return new InversionResult(latent, psnr, ssim, best, final[best].item<float>());
            }
        }
        finally
        {
            for (int i = 0; i < parameters.Count; i++) parameters[i].requires_grad = trainable[i];
        }
    }

    /// <summary>PSNR and SSIM of G(latent) against the target, both as 8-bit images (what a person compares).</summary>
    private static (double Psnr, double Ssim) Similarity(Models.Generator generator, float[] latent, Tensor target)
    {
        using var scope = NewDisposeScope();
        var image = generator.forward(tensor(latent).reshape(1, -1, 1, 1));
        var a = PixelConverter.ToByteTensor(image).to(ScalarType.Float64);
        var b = PixelConverter.ToByteTensor(target).to(ScalarType.Float64);
        return (ImageSimilarity.Psnr(a, b), ImageSimilarity.Ssim(a, b));
    }

    /// <summary>
    /// An encoded image (PNG, JPEG, WebP...) as the model's input: the training transform, then [1, nc, size, size] in [-1, 1].
    /// </summary>
    public static Tensor ReadTarget(string name, byte[] encoded, ModelOptions model)
    {
        var planar = ImageTransform.Apply(new SourceImage(name, encoded), model.ImageSize, model.Nc);
        return PixelConverter.FromByteTensor(tensor(planar, [1, model.Nc, model.ImageSize, model.ImageSize]));
    }
}

/// <summary>Image similarity on pixel values 0..255 ([N, C, H, W] as float64).</summary>
internal static class ImageSimilarity
{
    public static double Psnr(Tensor a, Tensor b)
    {
        double mse = a.sub(b).square().mean().item<double>();
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    /// <summary>
    /// SSIM (Wang et al. 2004): 11x11 Gaussian window, sigma 1.5, K1 0.01, K2 0.03, averaged over channels and positions.
    /// </summary>
    public static double Ssim(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        long channels = a.shape[1];
        var coords = arange(11, dtype: ScalarType.Float64).sub(5);
        var g = coords.square().div(-2 * 1.5 * 1.5).exp();
        g = g.div(g.sum());
        var window = g.unsqueeze(1).matmul(g.unsqueeze(0)).expand(channels, 1, 11, 11).contiguous();
        Tensor Blur(Tensor x) => nn.functional.conv2d(x, window, groups: channels);
        var (c1, c2) = (Math.Pow(0.01 * 255, 2), Math.Pow(0.03 * 255, 2));
        var (muA, muB) = (Blur(a), Blur(b));
        var varA = Blur(a.square()).sub(muA.square());
        var varB = Blur(b.square()).sub(muB.square());
        var cov = Blur(a.mul(b)).sub(muA.mul(muB));
        var map = muA.mul(muB).mul(2).add(c1).mul(cov.mul(2).add(c2))
            .div(muA.square().add(muB.square()).add(c1).mul(varA.add(varB).add(c2)));
        return map.mean().item<double>();
    }
}
