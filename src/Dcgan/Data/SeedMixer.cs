namespace Dcgan.Data;

/// <summary>
/// Derives independent, reproducible seeds from (run seed, stream, index) with SplitMix64. Every random draw of a
/// training step comes from a generator seeded this way, so step N is the same whether or not the run was resumed.
/// </summary>
public static class SeedMixer
{
    public static ulong Mix(long seed, ulong stream, ulong index = 0)
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
