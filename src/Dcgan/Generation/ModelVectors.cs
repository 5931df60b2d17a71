using Dcgan.Latent;
using static TorchSharp.torch;

namespace Dcgan.Generation;

/// <summary>Vectors for a model: fitted from seeds a person labelled, or discovered from G's weights (SeFa) or features (PCA).</summary>
internal static class ModelVectors
{
    /// <summary>Fits a vector from seeds a person labelled, with held-out validation, tied to this model.</summary>
    public static AttributeVector Fit(LoadedModel model, string name, AttributeMethod method,
        IReadOnlyList<long> with, IReadOnlyList<long> without, IReadOnlySet<long>? correlatedWith = null)
    {
        AttributeVector.CheckName(name);
        var overlap = with.Intersect(without).ToList();
        if (overlap.Count > 0)
            throw new InputException("with", InputProblem.Conflict, $": seeds {string.Join(",", overlap.Take(5))} are labelled both with and without the attribute");
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

    /// <summary>The name of a method's i-th discovered direction: sefa-00, pca-03.</summary>
    public static string DirectionName(AttributeMethod method, int i) => $"{DcganJson.Name(method)}-{i:D2}";

    /// <summary>Discovered directions (SeFa or PCA) as named vector files tied to this model: sefa-00, sefa-01, ...</summary>
    public static IReadOnlyList<AttributeVector> Discover(LoadedModel model, AttributeMethod method, int k,
        int pcaSamples = Directions.PcaSamples)
    {
        var found = method switch
        {
            AttributeMethod.Sefa => Directions.Sefa(model.Sampler.Generator, k),
            AttributeMethod.Pca => Directions.Pca(model.Sampler.Generator, k, pcaSamples),
            _ => throw new InputException("method", InputProblem.Invalid, "must be sefa or pca"),
        };
        var vectors = found.Select((d, i) => new AttributeVector
        {
            Name = DirectionName(method, i), Method = method, Nz = model.Options.Nz, ModelHash = model.Hash,
            Norm = 1, Sigma = d.Sigma, Validation = null, Vector = d.Vector.data<float>().ToArray(),
        }).ToList();
        foreach (var d in found) d.Vector.Dispose();
        return vectors;
    }
}
