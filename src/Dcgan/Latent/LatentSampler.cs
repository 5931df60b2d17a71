using Dcgan.Models;
using static TorchSharp.torch;
using TorchGenerator = TorchSharp.torch.Generator;

namespace Dcgan.Latent;

/// <summary>
/// Seed -> z, the naming rule of every image in the program: the image with seed s comes from the first (and only)
/// row of <c>torch.manual_seed(s); torch.randn(1, nz, 1, 1)</c>, the same numbers PyTorch gives for that seed.
/// A private generator is used, so naming an image never disturbs any other random stream.
/// </summary>
internal static class LatentSampler
{
    public static Tensor ForSeed(long seed, int nz, LatentPrior prior = LatentPrior.Normal)
    {
        if (seed < 0) throw new ArgumentOutOfRangeException(nameof(seed), $"seeds are non-negative integers (got {seed})");
        using var random = new TorchGenerator((ulong)seed);
        return Draw(1, nz, prior, random);
    }

    /// <summary>One z per seed, stacked as [N, nz, 1, 1].</summary>
    public static Tensor ForSeeds(IReadOnlyList<long> seeds, int nz, LatentPrior prior = LatentPrior.Normal)
    {
        if (seeds.Count == 0) throw new InputException("seeds", InputProblem.Invalid, ": no seeds given");
        using var scope = NewDisposeScope();
        return cat(seeds.Select(s => ForSeed(s, nz, prior)).ToList(), 0).MoveToOuterDisposeScope();
    }

    /// <summary>A batch of z drawn from the prior with the given generator (training noise).</summary>
    public static Tensor Draw(long count, int nz, LatentPrior prior, TorchGenerator random) => prior switch
    {
        LatentPrior.Normal => randn(count, nz, 1, 1, generator: random),
        LatentPrior.Uniform => rand(count, nz, 1, 1, generator: random).mul_(2).sub_(1),
        _ => throw new ArgumentOutOfRangeException(nameof(prior)),
    };
}
