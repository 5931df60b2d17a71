namespace Dcgan.Data;

/// <summary>
/// Every random stream a seed is mixed with, named in one place: two uses of one id would silently draw the same numbers
/// (correlated noise, say, or a fixed subset that follows the shuffle). The values are fixed for good: runs resume
/// bit-exactly and figures are reproduced from them.
/// </summary>
internal enum RandomStream : ulong
{
    /// <summary>weights_init of G and D.</summary>
    WeightInit = 1,
    /// <summary>The data loader's shuffle, per epoch.</summary>
    Shuffle = 2,
    /// <summary>Everything a training step draws (z, augmentation, penalties), per step.</summary>
    TrainingStep = 3,
    /// <summary>PCA's latents (GANSpace).</summary>
    PcaLatents = 7,
    /// <summary>The randomised SVD's starting block.</summary>
    SvdStart = 8,
    /// <summary>The neighbours around an arithmetic result.</summary>
    ArithmeticNeighbours = 9,
    /// <summary>Inversion's random restarts.</summary>
    InversionRestarts = 11,
    /// <summary>The attribute classifier's train / validation split, its weights, and its per-epoch shuffle.</summary>
    ClassifierSplit = 21, ClassifierInit = 22, ClassifierShuffle = 23,
    /// <summary>The fixed subset of a real set that evaluation reads.</summary>
    EvaluationSubset = 31,
    /// <summary>The latents BatchNorm statistics are re-measured over.</summary>
    BatchNormRecalibration = 41,
}

/// <summary>
/// Derives independent, reproducible seeds from (run seed, stream, index) with SplitMix64. Every random draw of a
/// training step comes from a generator seeded this way, so step N is the same whether or not the run was resumed.
/// </summary>
internal static class SeedMixer
{
    /// <summary>A seed for one stream of draws: streams are named (RandomStream), so two kinds of draws never share one by accident.</summary>
    public static ulong Mix(long seed, RandomStream stream, ulong index = 0) => Mix(seed, (ulong)stream, index);

    private static ulong Mix(long seed, ulong stream, ulong index = 0)
    {
        ulong x = unchecked((ulong)seed);
        x = Next(x ^ Next(stream * 0x9E3779B97F4A7C15UL));
        return Next(x ^ Next(index + 0xD1B54A32D192ED03UL));
    }

    private static ulong Next(ulong z)
    {
        z = unchecked(z + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    /// <summary>A permutation of 0..n-1 (Fisher-Yates driven by SplitMix64), the same on every machine.</summary>
    public static int[] Permutation(int n, ulong seed)
    {
        var order = Enumerable.Range(0, n).ToArray();
        ulong state = seed;
        for (int i = n - 1; i > 0; i--)
        {
            state = Next(state);
            int j = (int)(state % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
