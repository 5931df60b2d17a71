using Dcgan.Models;
using static TorchSharp.torch;
using TorchGenerator = TorchSharp.torch.Generator;

namespace Dcgan.Latent;

/// <summary>
/// Seed -> z, the naming rule of every image in the program: the image with seed s comes from the first (and only)
/// row of <c>torch.manual_seed(s); torch.randn(1, nz, 1, 1)</c>, the same numbers PyTorch gives for that seed.
/// A private generator is used, so naming an image never disturbs any other random stream.
/// </summary>
public static class LatentSampler
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
        if (seeds.Count == 0) throw new ArgumentException("no seeds given");
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

    /// <summary>
    /// Parses seed lists as a person writes them: "3,7,12-20"; more than <paramref name="maxCount"/> seeds is refused before any is listed.
    /// </summary>
    public static IReadOnlyList<long> ParseSeedList(string text, int maxCount = 100_000)
    {
        var seeds = new List<long>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var range = part.Split('-', 2);
            if (range.Length == 2 && long.TryParse(range[0], out long from) && long.TryParse(range[1], out long to) &&
                from >= 0 && to >= from)
            {
                if (to - from >= maxCount - seeds.Count)
                    throw new ArgumentException($"too many seeds: '{part}' takes the list past {maxCount}");
                for (long s = from; s <= to; s++) seeds.Add(s);
            }
            else if (long.TryParse(part, out long seed) && seed >= 0)
            {
                if (seeds.Count >= maxCount) throw new ArgumentException($"too many seeds: at most {maxCount}");
                seeds.Add(seed);
            }
            else throw new ArgumentException($"'{part}' is not a seed or a range of seeds (write e.g. 3,7,12-20)");
        }
        if (seeds.Count == 0) throw new ArgumentException("the seed list is empty");
        return seeds;
    }
}
