using Dcgan.Generation;
using Dcgan.Imaging;
using static TorchSharp.torch;

namespace Dcgan.Latent;

/// <summary>One vector and how far to move along it.</summary>
public sealed record VectorEdit(AttributeVector Vector, double Strength);

/// <summary>
/// The editing operations both faces offer (the command's `attribute fit/apply`, the web page's labelling and
/// sliders), so they give the same vectors and the same pixels.
/// </summary>
public static class Editing
{
    /// <summary>Fits a vector from seeds a person labelled, with held-out validation, tied to this model.</summary>
    public static AttributeVector FitFromSeeds(LoadedModel model, string name, AttributeMethod method,
        IReadOnlyList<long> with, IReadOnlyList<long> without, IReadOnlySet<long>? correlatedWith = null)
    {
        AttributeVector.CheckName(name);
        var overlap = with.Intersect(without).ToList();
        if (overlap.Count > 0) throw new ArgumentException($"seeds {string.Join(",", overlap.Take(5))} are labelled both with and without the attribute");
        var seeds = with.Concat(without).ToList();
        using var scope = NewDisposeScope();
        var z = model.LatentsFor(seeds);
        bool[] labels = seeds.Select((_, i) => i < with.Count).ToArray();
        bool[]? correlated = correlatedWith is null ? null : seeds.Select(correlatedWith.Contains).ToArray();
        var (direction, validation) = AttributeFitter.FitAndValidate(method, z, labels, correlated);
        return new AttributeVector
        {
            Name = name, Method = method, Nz = model.Options.Nz, ModelHash = model.Hash, SeedsWith = with, SeedsWithout = without,
            Norm = direction.norm().item<float>(), Validation = validation, Vector = direction.data<float>().ToArray(),
        };
    }

    /// <summary>z + sum s_i v_i, each v_i first stripped of the condition vectors' directions (InterFaceGAN).</summary>
    public static Tensor Apply(Tensor z, IReadOnlyList<VectorEdit> edits, IReadOnlyList<AttributeVector> conditions, bool unit = false, bool keepNorm = false)
    {
        using var scope = NewDisposeScope();
        var conditionTensors = conditions.Select(c => c.ToTensor()).ToList();
        var directions = edits.Select(e => (LatentMath.Condition(e.Vector.ToTensor(), conditionTensors), e.Strength)).ToList();
        return LatentMath.Edit(z, directions, unit, keepNorm).MoveToOuterDisposeScope();
    }

    /// <summary>The edited image of one seed.</summary>
    public static PixelImage EditedImage(LoadedModel model, long seed, IReadOnlyList<VectorEdit> edits, IReadOnlyList<AttributeVector> conditions, bool unit = false, bool keepNorm = false)
    {
        using var scope = NewDisposeScope();
        return model.Sampler.Render(Apply(model.LatentsFor([seed]), edits, conditions, unit, keepNorm))[0];
    }

    /// <summary>The comparison figure: one row per seed, one column per strength along one vector.</summary>
    public static PixelImage Strip(LoadedModel model, IReadOnlyList<long> seeds, AttributeVector vector, IReadOnlyList<double> strengths,
        IReadOnlyList<AttributeVector> conditions, bool unit = false, bool keepNorm = false)
    {
        using var scope = NewDisposeScope();
        var z = model.LatentsFor(seeds);
        var rows = new List<IReadOnlyList<PixelImage?>>();
        for (int i = 0; i < seeds.Count; i++)
        {
            var zi = z[i..(i + 1)];
            var edited = cat(strengths.Select(s => Apply(zi, [new VectorEdit(vector, s)], conditions, unit, keepNorm)).ToList(), 0);
            rows.Add(model.Sampler.Render(edited).ToList());
        }
        return ImageGrid.MakeRows(rows);
    }

    /// <summary>
    /// The DCGAN paper's arithmetic figure: rows A's exemplars | mean(A), B's | mean(B), C's | mean(C), then
    /// Y = mean(A) - mean(B) + mean(C) and its neighbours. Returns the figure and the latents of Y and the neighbours.
    /// </summary>
    public static (PixelImage Figure, Tensor Results) ArithmeticFigure(LoadedModel model, IReadOnlyList<long> a, IReadOnlyList<long> b, IReadOnlyList<long> c,
        double radius = 0.25, long seed = 0)
    {
        using var scope = NewDisposeScope();
        var (za, zb, zc) = (model.LatentsFor(a), model.LatentsFor(b), model.LatentsFor(c));
        var result = VectorArithmetic.Compute(za, zb, zc, 8, radius, seed);
        var sampler = model.Sampler;
        IReadOnlyList<PixelImage?> Row(Tensor exemplars, Tensor mean) => sampler.Render(exemplars).Append(null).Concat(sampler.Render(mean)).ToList();
        var figure = ImageGrid.MakeRows([Row(za, result.MeanA), Row(zb, result.MeanB), Row(zc, result.MeanC), Row(result.Y, result.Neighbours)]);
        return (figure, cat([result.Y, result.Neighbours], 0).MoveToOuterDisposeScope());
    }

    /// <summary>Discovered directions (SeFa or PCA) as named vector files tied to this model: sefa-00, sefa-01, ...</summary>
    public static IReadOnlyList<AttributeVector> DiscoverDirections(LoadedModel model, AttributeMethod method, int k, int pcaSamples = 4096)
    {
        var found = method switch
        {
            AttributeMethod.Sefa => Directions.Sefa(model.Sampler.Generator, k),
            AttributeMethod.Pca => Directions.Pca(model.Sampler.Generator, k, pcaSamples),
            _ => throw new ArgumentException("method: must be sefa or pca"),
        };
        var vectors = found.Select((d, i) => new AttributeVector
        {
            Name = $"{Training.DcganJson.Name(method)}-{i:D2}", Method = method, Nz = model.Options.Nz, ModelHash = model.Hash,
            Norm = 1, Sigma = d.Sigma, Validation = null, Vector = d.Vector.data<float>().ToArray(),
        }).ToList();
        foreach (var d in found) d.Vector.Dispose();
        return vectors;
    }
}
