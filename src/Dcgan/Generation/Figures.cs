using Dcgan.Imaging;
using Dcgan.Latent;
using static TorchSharp.torch;
using InterpolationMode = Dcgan.Latent.InterpolationMode;

namespace Dcgan.Generation;

/// <summary>
/// The figures both faces draw from latents (the command's PNGs, the studio's images): an edit, a strength strip, an
/// interpolation path or point, the DCGAN paper's arithmetic. Each is latents plus a layout; drawing is the sampler's.
/// </summary>
internal static class Figures
{
    /// <summary>The edited image of one latent ([1, nz]).</summary>
    public static Figure Edit(Tensor z, IReadOnlyList<VectorEdit> edits, IReadOnlyList<AttributeVector> conditions, bool unit = false,
        bool keepNorm = false)
    {
        using var scope = NewDisposeScope();
        return Figure.Grid(Editing.Apply(z, edits, conditions, unit, keepNorm), 1);
    }

    /// <summary>The comparison figure: one row per latent, one column per strength along one vector.</summary>
    public static Figure Strip(Tensor z, AttributeVector vector, IReadOnlyList<double> strengths,
        IReadOnlyList<AttributeVector> conditions, bool unit = false, bool keepNorm = false)
    {
        using var scope = NewDisposeScope();
        var rows = Enumerable.Range(0, (int)z.shape[0]).Select(i => z[i..(i + 1)]);
        var edited = cat(rows.SelectMany(zi => strengths.Select(s => Editing.Apply(zi, [new VectorEdit(vector, s)], conditions, unit, keepNorm)))
            .ToList(), 0);
        return new Figure(edited,
            images => ImageGrid.MakeRows(images.Chunk(strengths.Count).Select(r => (IReadOnlyList<PixelImage?>)r).ToList()));
    }

    /// <summary>The most steps per segment of an interpolation, for the command and the studio alike.</summary>
    public const int MaxInterpolationSteps = 256;

    /// <summary>The most images an interpolation path may hold (all its points and steps together).</summary>
    public const int MaxPathImages = 1024;

    /// <summary>
    /// A walk through latents (slerp or lerp), <paramref name="steps"/> images per segment, in rows of <paramref name="columns"/>.
    /// </summary>
    public static Figure Interpolation(IReadOnlyList<Tensor> waypoints, int steps, InterpolationMode mode, int? columns = null)
    {
        long images = (long)(waypoints.Count - 1) * (Math.Max(steps, 2) - 1) + 1;
        if (images > MaxPathImages)
            throw new InputException("steps", InputProblem.TooLarge, $": a path through {waypoints.Count} points with {steps} steps " +
                $"each is {images} images; at most {MaxPathImages}: fewer points (`through`) or fewer `steps`");
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
    public static (Figure Figure, Tensor Results) Arithmetic(Tensor za, Tensor zb, Tensor zc, double radius = 0.25, long seed = 0)
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
            var gap = ImageGrid.Separator(images[0].Width, images[0].Height, images[0].Channels, ImageGrid.DefaultPadValue);
            int at = 0;
            foreach (var (left, right) in rowSizes)
            {
                rows.Add(images.Skip(at).Take(left).Cast<PixelImage?>().Append(gap).Concat(images.Skip(at + left).Take(right)).ToList());
                at += left + right;
            }
            return ImageGrid.MakeRows(rows);
        });
        return (figure, cat([result.Y, result.Neighbours], 0).MoveToOuterDisposeScope());
    }
}
