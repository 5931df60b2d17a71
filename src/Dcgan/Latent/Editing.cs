using Dcgan.Generation;
using Dcgan.Imaging;
using static TorchSharp.torch;

namespace Dcgan.Latent;

/// <summary>One vector and how far to move along it.</summary>
public sealed record VectorEdit(AttributeVector Vector, double Strength);

/// <summary>
/// How a walk between two latents goes: along the great circle (slerp, keeps |z| near the prior's shell) or straight (lerp).
/// </summary>
public enum InterpolationMode { Slerp, Lerp }

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
        if (overlap.Count > 0)
            throw new ArgumentException($"seeds {string.Join(",", overlap.Take(5))} are labelled both with and without the attribute");
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
    public static Tensor Apply(Tensor z, IReadOnlyList<VectorEdit> edits, IReadOnlyList<AttributeVector> conditions, bool unit = false,
        bool keepNorm = false)
    {
        using var scope = NewDisposeScope();
        var conditionTensors = conditions.Select(c => c.ToTensor()).ToList();
        var directions = edits.Select(e => (LatentMath.Condition(e.Vector.ToTensor(), conditionTensors), e.Strength)).ToList();
        return LatentMath.Edit(z, directions, unit, keepNorm).MoveToOuterDisposeScope();
    }

    /// <summary>The largest strength a slider or --strengths may ask for: far past any useful edit, short of overflow.</summary>
    public const double MaxStrength = 100;

    /// <summary>The strip's columns when none are given.</summary>
    public static readonly IReadOnlyList<double> DefaultStrengths = [-2, -1, 0, 1, 2];

    /// <summary>
    /// Strengths as a person writes them ("-2,-1,0,1,2"): 1 to 32 finite numbers within +-<see cref="MaxStrength"/>; none
    /// given (null) means <see cref="DefaultStrengths"/>, while an empty list or an empty entry ("1,,2") is a mistake to name.
    /// </summary>
    public static IReadOnlyList<double> ParseStrengths(string? text, string parameter)
    {
        if (text is null) return DefaultStrengths;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Any(p => p.Length == 0) && parts.Length > 1)
            throw new ArgumentException($"{parameter}: '{text}' has an empty entry; give numbers separated by single commas, e.g. -2,-1,0,1,2");
        if (parts is [""] || parts.Length > 32)
            throw new ArgumentException($"{parameter}: give 1 to 32 strengths, comma-separated (got {parts.Length})");
        return parts.Select(p => ParseStrength(p, parameter)).ToList();
    }

    public static double ParseStrength(string text, string parameter)
    {
        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture,
                out double value) || !double.IsFinite(value))
            throw new ArgumentException($"{parameter}: '{text}' is not a number");
        if (Math.Abs(value) > MaxStrength)
            throw new ArgumentException($"{parameter}: {value} is out of range (-{MaxStrength} to {MaxStrength})");
        return value;
    }

    /// <summary>The fitting methods (sefa and pca are discovered, not fitted: <see cref="DiscoverDirections"/>).</summary>
    public static AttributeMethod SupervisedMethod(string? text, string parameter)
    {
        var method = Training.DcganJson.ParseEnum<AttributeMethod>(text ?? "mean-diff", parameter);
        return method is AttributeMethod.Sefa or AttributeMethod.Pca
            ? throw new ArgumentException($"{parameter} must be mean-diff, balanced or svm (sefa and pca are discovered directions)")
            : method;
    }

    /// <summary>The edited image of one latent ([1, nz]).</summary>
    public static Figure EditFigure(Tensor z, IReadOnlyList<VectorEdit> edits, IReadOnlyList<AttributeVector> conditions, bool unit = false,
        bool keepNorm = false)
    {
        using var scope = NewDisposeScope();
        return Figure.Grid(Apply(z, edits, conditions, unit, keepNorm), 1);
    }

    /// <summary>The comparison figure: one row per latent, one column per strength along one vector.</summary>
    public static Figure StripFigure(Tensor z, AttributeVector vector, IReadOnlyList<double> strengths,
        IReadOnlyList<AttributeVector> conditions, bool unit = false, bool keepNorm = false)
    {
        using var scope = NewDisposeScope();
        var rows = Enumerable.Range(0, (int)z.shape[0]).Select(i => z[i..(i + 1)]);
        var edited = cat(rows.SelectMany(zi => strengths.Select(s => Apply(zi, [new VectorEdit(vector, s)], conditions, unit, keepNorm)))
            .ToList(), 0);
        return new Figure(edited,
            images => ImageGrid.MakeRows(images.Chunk(strengths.Count).Select(r => (IReadOnlyList<PixelImage?>)r).ToList()));
    }

    /// <summary>
    /// A walk through latents (slerp or lerp), <paramref name="steps"/> images per segment, in rows of <paramref name="columns"/>.
    /// </summary>
    /// <summary>The most images an interpolation path may hold (all its points and steps together).</summary>
    public const int MaxPathImages = 1024;

    public static Figure InterpolationFigure(IReadOnlyList<Tensor> waypoints, int steps, InterpolationMode mode, int? columns = null)
    {
        long images = (long)(waypoints.Count - 1) * (Math.Max(steps, 2) - 1) + 1;
        if (images > MaxPathImages)
            throw new ArgumentException($"a path through {waypoints.Count} points with {steps} steps each is {images} images; " +
                $"at most {MaxPathImages}: fewer points (--through) or fewer --steps");
        using var scope = NewDisposeScope();
        var path = LatentMath.Path(waypoints, steps, mode == InterpolationMode.Slerp);
        return Figure.Grid(path, columns ?? (int)path.shape[0]);
    }

    /// <summary>One image at position t in [0, 1] of the path from a to b (the studio's slider).</summary>
    public static Figure InterpolationPoint(Tensor a, Tensor b, double t, InterpolationMode mode)
    {
        using var scope = NewDisposeScope();
        return Figure.Grid(mode == InterpolationMode.Slerp ? LatentMath.Slerp(a, b, t) : LatentMath.Lerp(a, b, t), 1);
    }

    /// <summary>
    /// The DCGAN paper's arithmetic figure: rows A's exemplars | mean(A), B's | mean(B), C's | mean(C), then
    /// Y = mean(A) - mean(B) + mean(C) and its neighbours. Returns the figure and the latents of Y and the neighbours.
    /// </summary>
    public static (Figure Figure, Tensor Results) ArithmeticFigure(Tensor za, Tensor zb, Tensor zc, double radius = 0.25, long seed = 0)
    {
        using var scope = NewDisposeScope();
        var result = VectorArithmetic.Compute(za, zb, zc, 8, radius, seed);
        var parts = new[] { za, result.MeanA, zb, result.MeanB, zc, result.MeanC, result.Y, result.Neighbours }
            .Select(LatentMath.Flat)
            .ToList();
        // Each row: its left part, a gap, its right part (a concept's mean; for the result row, the 8 neighbours).
        (int Left, int Right)[] rowSizes = [((int)za.shape[0], 1), ((int)zb.shape[0], 1), ((int)zc.shape[0], 1), (1, 8)];
        var figure = new Figure(cat(parts, 0), images =>
        {
            var rows = new List<IReadOnlyList<PixelImage?>>();
            int at = 0;
            foreach (var (left, right) in rowSizes)
            {
                rows.Add(images.Skip(at).Take(left).Cast<PixelImage?>().Append(null).Concat(images.Skip(at + left).Take(right)).ToList());
                at += left + right;
            }
            return ImageGrid.MakeRows(rows);
        });
        return (figure, cat([result.Y, result.Neighbours], 0).MoveToOuterDisposeScope());
    }

    /// <summary>Discovered directions (SeFa or PCA) as named vector files tied to this model: sefa-00, sefa-01, ...</summary>
    public static IReadOnlyList<AttributeVector> DiscoverDirections(LoadedModel model, AttributeMethod method, int k,
        int pcaSamples = Directions.PcaSamples)
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
