using Dcgan.Models;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using TorchGenerator = TorchSharp.torch.Generator;

namespace Dcgan.Training;

/// <summary>Which differentiable augmentations D's inputs go through (any combination; none is the tutorial).</summary>
[Flags]
internal enum AugmentPolicy { None = 0, Color = 1, Translation = 2, Cutout = 4 }

/// <summary>
/// Differentiable augmentation (Zhao et al. 2020, "Differentiable Augmentation for Data-Efficient GAN Training"), with
/// the paper's strengths: every image D sees, real or fake, in D's step and in G's, goes through the same random
/// transformations, built from tensor operations so that G still gets gradients through them. On a small data set D
/// then cannot memorise the real images, which is how it overfits. All draws come from the step's generator, so a
/// resumed run draws the same ones.
/// </summary>
internal static class DiffAugment
{
    /// <summary>The paper's strengths: shifts of up to 1/8 of the size in each direction, a cutout of half the size.</summary>
    public const double TranslationRatio = 0.125, CutoutRatio = 0.5;

    /// <summary>
    /// The shift of builds before 2026-11-27 (up to 1/16: the ratio was halved by mistake). Runs saved by them, the
    /// study's rows and both bundled models among them, keep it on resume, so they still resume bit-exactly.
    /// </summary>
    public const double LegacyTranslationRatio = 0.0625;

    public static AugmentPolicy Parse(string text)
    {
        var policy = AugmentPolicy.None;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            policy |= part.ToLowerInvariant() switch
            {
                "color" or "colour" => AugmentPolicy.Color,
                "translation" => AugmentPolicy.Translation,
                "cutout" => AugmentPolicy.Cutout,
                "none" => AugmentPolicy.None,
                _ => throw new InputException("augment", InputProblem.Invalid,
                    $": '{part}' is not an augmentation; use any of color, translation, cutout (comma-separated), or none"),
            };
        return policy;
    }

    public static string Name(AugmentPolicy policy) => policy == AugmentPolicy.None ? "none"
        : string.Join(",", new[] { AugmentPolicy.Color, AugmentPolicy.Translation, AugmentPolicy.Cutout }
            .Where(p => policy.HasFlag(p)).Select(p => p.ToString().ToLowerInvariant()));

    /// <summary>
    /// Images [B, C, H, W] in [-1, 1] -> augmented images of the same shape, differentiable in <paramref name="x"/>.
    /// With p below 1 each augmentation reaches each image with probability p (ADA's way of dosing it); at 1 every
    /// image gets every one, drawing exactly what the paper's always-on policy draws.
    /// </summary>
    public static Tensor Apply(Tensor x, AugmentPolicy policy, TorchGenerator random, double p = 1,
        double translationRatio = TranslationRatio)
    {
        Tensor Dose(Tensor original, Func<Tensor, TorchGenerator, Tensor> augment)
        {
            if (p >= 1) return augment(original, random);
            var chosen = rand(new long[] { original.shape[0], 1, 1, 1 }, generator: random).to(original.device).lt(p);
            // Contiguous: translation's result is channels-last, which would send D's convolutions down another kernel
            // (last-bit differences) even for the images that were not augmented.
            return where(chosen, augment(original, random), original).contiguous();
        }
        if (policy.HasFlag(AugmentPolicy.Color)) x = Dose(x, Color);
        if (policy.HasFlag(AugmentPolicy.Translation)) x = Dose(x, (image, r) => Translate(image, r, translationRatio));
        if (policy.HasFlag(AugmentPolicy.Cutout)) x = Dose(x, Cutout);
        return x;
    }

    /// <summary>
    /// Brightness (+U(-0.5, 0.5)), saturation (x U(0, 2) around the pixel's channel mean), contrast (x U(0.5, 1.5) around the image mean).
    /// </summary>
    private static Tensor Color(Tensor x, TorchGenerator random)
    {
        long b = x.shape[0];
        Tensor Uniform() => rand(new long[] { b, 1, 1, 1 }, generator: random).to(x.device);
        // Kept Scalars throughout (Models/KeptScalars.cs): these run at every step, twice.
        x = x.Plus(Uniform().Minus(0.5));
        if (x.shape[1] > 1)
        {
            var channelMean = x.mean([1], keepdim: true);
            x = x.Minus(channelMean).mul(Uniform().Times(2.0)).Plus(channelMean);
        }
        var imageMean = x.mean([1, 2, 3], keepdim: true);
        return x.Minus(imageMean).mul(Uniform().Plus(0.5)).Plus(imageMean);
    }

    /// <summary>Shifts each image by up to <paramref name="ratio"/> of its size in each direction, filling with zeros.</summary>
    private static Tensor Translate(Tensor x, TorchGenerator random, double ratio)
    {
        long b = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        long shiftH = (long)(h * ratio + 0.5), shiftW = (long)(w * ratio + 0.5);
        var dy = randint(-shiftH, shiftH + 1, new long[] { b, 1, 1 }, generator: random).to(x.device);
        var dx = randint(-shiftW, shiftW + 1, new long[] { b, 1, 1 }, generator: random).to(x.device);
        // Source row and column of each output pixel in the image padded by one zero pixel on each side.
        var rows = arange(h, device: x.device).view(1, h, 1).Plus(dy).Plus(1L).clamp(KeptScalars.Of(0L), KeptScalars.Of(h + 1));
        var cols = arange(w, device: x.device).view(1, 1, w).Plus(dx).Plus(1L).clamp(KeptScalars.Of(0L), KeptScalars.Of(w + 1));
        var padded = F.pad(x, [1, 1, 1, 1]);                                       // [B, C, H + 2, W + 2]
        var index = arange(b, device: x.device).view(b, 1, 1).Times((h + 2) * (w + 2)).Plus(rows.Times(w + 2)).Plus(cols); // [B, H, W]
        var flat = padded.permute(0, 2, 3, 1).reshape(-1, c);                      // [B (H + 2) (W + 2), C]
        return flat.index_select(0, index.flatten()).view(b, h, w, c).permute(0, 3, 1, 2);
    }

    /// <summary>Zeros one square of half the image's size at a random place in each image (clipped at the borders).</summary>
    private static Tensor Cutout(Tensor x, TorchGenerator random)
    {
        long b = x.shape[0], h = x.shape[2], w = x.shape[3];
        long sizeH = (long)(h * CutoutRatio + 0.5), sizeW = (long)(w * CutoutRatio + 0.5);
        var cy = randint(0, h + (1 - sizeH % 2), new long[] { b, 1, 1 }, generator: random).to(x.device);
        var cx = randint(0, w + (1 - sizeW % 2), new long[] { b, 1, 1 }, generator: random).to(x.device);
        var rows = arange(h, device: x.device).view(1, h, 1);
        var cols = arange(w, device: x.device).view(1, 1, w);
        var inside = rows.ge(cy.Minus(sizeH / 2)).logical_and(rows.lt(cy.Minus(sizeH / 2).Plus(sizeH)))
            .logical_and(cols.ge(cx.Minus(sizeW / 2))).logical_and(cols.lt(cx.Minus(sizeW / 2).Plus(sizeW)));
        return x.mul(inside.logical_not().unsqueeze(1).to(x.dtype));
    }
}
