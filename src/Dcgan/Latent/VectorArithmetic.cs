using Dcgan.Data;
using static TorchSharp.torch;
using TorchGenerator = TorchSharp.torch.Generator;

namespace Dcgan.Latent;

/// <summary>The DCGAN paper's vector arithmetic: Y = mean(A) - mean(B) + mean(C), with neighbours Y + U(-r, r).</summary>
internal static class VectorArithmetic
{
    public sealed record Result(Tensor MeanA, Tensor MeanB, Tensor MeanC, Tensor Y, Tensor Neighbours);

    public static Result Compute(Tensor a, Tensor b, Tensor c, int neighbours = 8, double radius = 0.25, long seed = 0)
    {
        foreach (var (z, name) in new[] { (a, "A"), (b, "B"), (c, "C") })
            if (z.shape[0] < 1) throw new InputException("seeds", InputProblem.Invalid, $": concept {name} needs at least one exemplar");
        using var scope = NewDisposeScope();
        var ma = LatentMath.Flat(a).mean([0], keepdim: true);
        var mb = LatentMath.Flat(b).mean([0], keepdim: true);
        var mc = LatentMath.Flat(c).mean([0], keepdim: true);
        var y = ma.sub(mb).add(mc);
        using var random = new TorchGenerator(SeedMixer.Mix(seed, RandomStream.ArithmeticNeighbours));
        var noise = rand(neighbours, y.shape[1], generator: random).mul(2 * radius).sub(radius);
        var result = new Result(ma, mb, mc, y, y.add(noise));
        foreach (var t in new[] { ma, mb, mc, y, result.Neighbours }) t.MoveToOuterDisposeScope();
        return result;
    }
}
