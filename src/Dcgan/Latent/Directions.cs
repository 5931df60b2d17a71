using Dcgan.Data;
using static TorchSharp.torch;
using TorchGenerator = TorchSharp.torch.Generator;

namespace Dcgan.Latent;

/// <summary>One discovered direction: a unit vector in z and how much the data spreads along it.</summary>
internal sealed record Direction(Tensor Vector, double Sigma, double Score);

/// <summary>Unsupervised directions in z: SeFa (closed form, no samples) and GANSpace's PCA of first-layer features.</summary>
internal static class Directions
{
    /// <summary>Latents sampled for PCA, by the command and the studio alike.</summary>
    public const int PcaSamples = 4096;

    /// <summary>
    /// SeFa (Shen and Zhou 2021): W = G's first-layer weight as nz x rest with unit columns; the directions are the
    /// top eigenvectors of W W^T, the z moves that change the first layer's output most.
    /// </summary>
    public static IReadOnlyList<Direction> Sefa(Models.Generator generator, int k)
    {
        int nz = generator.Options.Nz;
        if (k < 1 || k > nz) throw new InputException("k", InputProblem.OutOfRange, $"must be between 1 and nz = {nz} (got {k})");
        using var scope = NewDisposeScope();
        var w = generator.FirstLayerWeight.detach().cpu().to(ScalarType.Float64).reshape(nz, -1);
        w = w.div(w.norm(0, keepdim: true).clamp_min(1e-12));
        var (values, vectors) = linalg.eigh(w.matmul(w.T)); // ascending
        var result = new List<Direction>();
        for (int i = 0; i < k; i++)
        {
            long column = nz - 1 - i;
            var v = vectors[.., column].to(ScalarType.Float32).contiguous();
            // Sigma of N(0, I) along any unit vector is 1: slider units are z-space units.
            result.Add(new Direction(v.MoveToOuterDisposeScope(), 1.0, values[column].item<double>()));
        }
        return result;
    }

    /// <summary>
    /// GANSpace (Harkonen et al. 2020) for a z-space GAN: sample z, take the first block's activations, find their
    /// principal components, and regress each component's coordinate back onto z (least squares) to get directions
    /// in z. Sigma is the spread of the samples' projection on each direction. Only the top k components are needed,
    /// so they come from randomised subspace iteration (Halko, Martinsson and Tropp 2011) instead of a full SVD
    /// of the [samples, features] matrix, which took 43 to 121 s on two cores for the tutorial's G.
    /// </summary>
    /// <summary>The most latents PCA takes: their features, in float64, are about 1 GB at this count for the tutorial's G.</summary>
    public const int MaxPcaSamples = 16_384;

    public static IReadOnlyList<Direction> Pca(Models.Generator generator, int k, int samples = PcaSamples, long seed = 0)
    {
        int nz = generator.Options.Nz;
        if (k < 1 || k > nz) throw new InputException("k", InputProblem.OutOfRange, $"must be between 1 and nz = {nz} (got {k})");
        if (samples < 2 * nz) throw new InputException("pcaSamples", InputProblem.OutOfRange, $": PCA needs at least {2 * nz} samples (got {samples})");
        if (samples > MaxPcaSamples)
            throw new InputException("pcaSamples", InputProblem.TooLarge, $": PCA holds every sample's first-block features in " +
                $"memory (64 KB each for the tutorial's G); at most {MaxPcaSamples} (got {samples})");
        using var scope = NewDisposeScope();
        using var random = new TorchGenerator(SeedMixer.Mix(seed, RandomStream.PcaLatents));
        var z = LatentSampler.Draw(samples, nz, generator.Options.Prior, random);
        Tensor features;
        using (no_grad())
        {
            generator.eval();
            features = generator.FirstBlock(z).reshape(samples, -1).to(ScalarType.Float64);
        }
        var centred = features.sub(features.mean([0], keepdim: true));
        var (singular, vh) = TopRightSingularVectors(centred, k, seed);
        var coordinates = centred.matmul(vh.T);                       // [samples, k]
        var zFlat = z.reshape(samples, nz).to(ScalarType.Float64);
        var solution = linalg.lstsq(coordinates, zFlat).Solution;     // [k, nz]: z ~ coordinates @ solution
        double total = centred.square().sum().item<double>();
        var result = new List<Direction>();
        for (int i = 0; i < k; i++)
        {
            var u = solution[i];
            u = u.div(u.norm());
            double sigma = zFlat.matmul(u).std().item<double>();
            double explained = singular[i].square().item<double>() / total;
            result.Add(new Direction(u.to(ScalarType.Float32).contiguous().MoveToOuterDisposeScope(), sigma, explained));
        }
        return result;
    }

    /// <summary>
    /// The top k singular values and right singular vectors ([k], [k, columns]) of a, by subspace iteration on a
    /// random start with a few spare dimensions; converges to the exact SVD's (up to sign) where the spectrum has gaps.
    /// </summary>
    public static (Tensor Singular, Tensor RightVectors) TopRightSingularVectors(Tensor a, int k, long seed = 0, int iterations = 10)
    {
        using var scope = NewDisposeScope();
        long rank = Math.Min(a.shape[0], a.shape[1]);
        long width = Math.Min(rank, k + 10);
        using var random = new TorchGenerator(SeedMixer.Mix(seed, RandomStream.SvdStart));
        var start = randn([a.shape[1], width], dtype: a.dtype, generator: random);
        var q = linalg.qr(a.matmul(start)).Q;                         // [rows, width]
        for (int i = 0; i < iterations; i++)
        {
            var right = linalg.qr(a.T.matmul(q)).Q;                   // [columns, width]
            q = linalg.qr(a.matmul(right)).Q;
        }
        var (_, singular, vh) = linalg.svd(q.T.matmul(a), fullMatrices: false); // the small [width, columns] problem
        // A singular vector's sign is arbitrary: fix it (largest component positive) so every run names the same direction.
        var top = vh[..k];
        var signs = top.gather(1, top.abs().argmax(1, keepdim: true)).sign();
        return (singular[..k].MoveToOuterDisposeScope(), top.mul(signs).MoveToOuterDisposeScope());
    }
}
