using Dcgan.Generation;
using Dcgan.Latent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Dcgan.Web.Endpoints;

/// <summary>
/// Pictures of one model, /api/models/{id}/...: every input is in the URL, so each is cached as immutable. The
/// figures are the library's (the command's), drawn through the model's batching renderer: the same bytes.
/// </summary>
internal static class ImageEndpoints
{
    public const int MaxImages = Input.InputLimits.GridImages;
    public const int MaxExemplars = Input.InputLimits.ExemplarSeeds;

    public static void Map(RouteGroupBuilder model)
    {
        model.MapGet("/images/{seed}.png", (string id, string seed, HttpContext context, ModelRegistry models) =>
        {
            var served = models.Get(id);
            long s = QueryParser.Long(seed, "seed", 0, long.MaxValue);
            return PngResults.Draw(context, served, () => Figure.Grid(served.Model.LatentsFor([s]), 1));
        }).WithSummary("One generated image by seed: the bytes of `dcgan sample --seed S --each DIR`.");

        model.MapGet("/grid.png", (string id, string? seed, string? n, string? nrow, HttpContext context, ModelRegistry models) =>
        {
            var served = models.Get(id);
            int count = (int)QueryParser.Long(n, "n", 1, MaxImages, 64);
            long first = QueryParser.Long(seed, "seed", 0, long.MaxValue - count + 1, 0);
            int columns = (int)QueryParser.Long(nrow, "nrow", 1, MaxImages, 8);
            return PngResults.Draw(context, served,
                () => Figure.Grid(served.Model.LatentsFor(Enumerable.Range(0, count).Select(i => first + i).ToList()), columns));
        }).WithSummary("A grid of seeds seed..seed+n-1: the bytes of `dcgan sample --out`.");

        model.MapGet("/edit.png", (string id, HttpContext context, ModelRegistry models) =>
        {
            var served = models.Get(id);
            var q = context.Request.Query;
            // The start: a seed, or z itself as base64url float32 text (an inverted image: POST .../invert gives it).
            float[]? z = q["z"].ToString() is { Length: > 0 } text ? LatentText.Decode(text, served.Model.Options.Nz, "z") : null;
            long seed = z is null ? QueryParser.Long(q["seed"], "seed", 0, long.MaxValue) : 0;
            bool pinned = true;
            var edits = q["v"].Select(v => ParseEdit(v!, served.Vectors, ref pinned)).ToList();
            var conditions = q["condition"].Select(c => Vector(c!, "condition", served.Vectors, ref pinned)).ToList();
            bool unit = QueryParser.Flag(q["unit"]), keepNorm = QueryParser.Flag(q["keepNorm"]);
            return PngResults.Draw(context, served, () => Generation.Figures.Edit(
                z is null ? served.Model.LatentsFor([seed]) : TorchSharp.torch.tensor(z).reshape(1, -1),
                edits, conditions, unit, keepNorm), pinned);
        }).WithSummary("An edited image: seed (or z, base64url float32), v=NAME@VERSION:STRENGTH (repeatable), " +
                       "condition=NAME@VERSION (repeatable), unit, keepNorm. NAME alone means the name's current vector (not cached). " +
                       "With no v: the image of seed or z itself.");

        model.MapGet("/strip.png", (string id, HttpContext context, ModelRegistry models) =>
        {
            var served = models.Get(id);
            var q = context.Request.Query;
            var seeds = QueryParser.Seeds(q["seeds"], "seeds", MaxExemplars);
            bool pinned = true;
            var vector = Vector(q["vector"].ToString(), "vector", served.Vectors, ref pinned);
            var strengths = Input.UserInput.Strengths(q["strengths"], "strengths");
            var conditions = q["condition"].Select(c => Vector(c!, "condition", served.Vectors, ref pinned)).ToList();
            return PngResults.Draw(context, served,
                () => Generation.Figures.Strip(served.Model.LatentsFor(seeds), vector, strengths, conditions), pinned);
        }).WithSummary("The comparison strip of `dcgan attribute apply`: one row per seed, one column per strength.");

        model.MapGet("/interpolate.png", (string id, string? from, string? to, string? steps, string? mode, string? t,
            HttpContext context, ModelRegistry models) =>
        {
            var served = models.Get(id);
            long a = QueryParser.Long(from, "from", 0, long.MaxValue), b = QueryParser.Long(to, "to", 0, long.MaxValue);
            int k = (int)QueryParser.Long(steps, "steps", Input.InputLimits.MinInterpolationSteps, Input.InputLimits.MaxInterpolationSteps, 8);
            var path = DcganJson.ParseEnum<InterpolationMode>(mode ?? "slerp", "mode");
            double? at = t is null ? null : QueryParser.Double(t, "t", 0, 1);
            var model = served.Model;
            return PngResults.Draw(context, served, () => at is { } position
                ? Generation.Figures.InterpolationPoint(model.LatentsFor([a]), model.LatentsFor([b]), position, path) // the page's slider
                : Generation.Figures.Interpolation([model.LatentsFor([a]), model.LatentsFor([b])], k, path));
        }).WithSummary("An interpolation strip between two seeds (slerp or lerp), or with t one image along the path.");

        model.MapGet("/arithmetic.png", (string id, string? a, string? b, string? c, HttpContext context, ModelRegistry models) =>
        {
            var served = models.Get(id);
            var (sa, sb, sc) = (QueryParser.Seeds(a, "a", MaxExemplars), QueryParser.Seeds(b, "b", MaxExemplars),
                QueryParser.Seeds(c, "c", MaxExemplars));
            return PngResults.Draw(context, served, () =>
            {
                var m = served.Model;
                var (figure, results) = Generation.Figures.Arithmetic(m.LatentsFor(sa), m.LatentsFor(sb), m.LatentsFor(sc));
                results.Dispose();
                return figure;
            });
        }).WithSummary("mean(A) - mean(B) + mean(C) as the DCGAN paper's figure.");
    }

    private static VectorEdit ParseEdit(string text, VectorStore vectors, ref bool pinned)
    {
        int colon = text.LastIndexOf(':');
        if (colon <= 0) throw new InputException("v", InputProblem.Invalid, $": '{text}' must be NAME@VERSION:STRENGTH (or NAME:STRENGTH)");
        return new VectorEdit(Vector(text[..colon], "v", vectors, ref pinned), Input.UserInput.Strength(text[(colon + 1)..], "v (strength)"));
    }

    private static AttributeVector Vector(string reference, string parameter, VectorStore vectors, ref bool pinned)
    {
        var vector = vectors.Get(reference, parameter, out bool exact);
        pinned &= exact;
        return vector;
    }
}
