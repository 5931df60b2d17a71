using Dcgan.Generation;
using Dcgan.Latent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Dcgan.Web.Endpoints;

/// <summary>
/// Pictures of one model, /api/models/{id}/...: every input is in the URL, so each is cached as immutable. The
/// figures are the library's (the command's), drawn through the model's batching renderer: the same bytes. Query values
/// arrive as text and are read by QueryParser, so a bad one is refused in words that name it.
/// </summary>
internal static class ImageEndpoints
{
    public const int MaxImages = Input.InputLimits.GridImages;
    public const int MaxExemplars = Input.InputLimits.ExemplarSeeds;

    public static void Map(RouteGroupBuilder model)
    {
        model.MapGet("/images/{seed}.png", Image).WithSummary("One generated image by seed: the bytes of `dcgan sample --seed S --each DIR`.");
        model.MapGet("/grid.png", Grid).WithSummary("A grid of seeds seed..seed+n-1: the bytes of `dcgan sample --out`.");
        model.MapGet("/edit.png", Edit).WithSummary("An edited image: seed (or z, base64url float32), v=NAME@VERSION:STRENGTH (repeatable), " +
            "condition=NAME@VERSION (repeatable), unit, keepNorm. NAME alone means the name's current vector (not cached). " +
            "With no v: the image of seed or z itself.");
        model.MapGet("/strip.png", Strip).WithSummary("The comparison strip of `dcgan attribute apply`: one row per seed, one column per strength.");
        model.MapGet("/interpolate.png", Interpolate).WithSummary("An interpolation strip between two seeds (slerp or lerp), or with t one image along the path.");
        model.MapGet("/arithmetic.png", Arithmetic).WithSummary("mean(A) - mean(B) + mean(C) as the DCGAN paper's figure.");
    }

    /// <summary>What every picture request has: the model's id, the request itself and the models.</summary>
    public sealed record PictureRequest(string Id, HttpContext Context, ModelRegistry Models)
    {
        public ServedModel Served => Models.Get(Id);
    }

    public sealed record GridQuery(string? Seed, string? N, string? Nrow);
    public sealed record EditQuery(string? Seed, string? Z, string[]? V, string[]? Condition, string? Unit, string? KeepNorm);
    public sealed record StripQuery(string? Seeds, string? Vector, string? Strengths, string[]? Condition);
    public sealed record InterpolationQuery(string? From, string? To, string? Steps, string? Mode, string? T);
    public sealed record ArithmeticQuery(string? A, string? B, string? C);

    private static Task<Results<FileContentHttpResult, StatusCodeHttpResult>> Image([AsParameters] PictureRequest request, string seed)
    {
        var served = request.Served;
        long s = QueryParser.Long(seed, "seed", 0, long.MaxValue);
        return PngResults.Draw(request.Context, served, () => Figure.Grid(served.Model.LatentsFor([s]), 1));
    }

    private static Task<Results<FileContentHttpResult, StatusCodeHttpResult>> Grid([AsParameters] PictureRequest request, [AsParameters] GridQuery q)
    {
        var served = request.Served;
        int count = (int)QueryParser.Long(q.N, "n", 1, MaxImages, 64);
        long first = QueryParser.Long(q.Seed, "seed", 0, long.MaxValue - count + 1, 0);
        int columns = (int)QueryParser.Long(q.Nrow, "nrow", 1, MaxImages, 8);
        return PngResults.Draw(request.Context, served,
            () => Figure.Grid(served.Model.LatentsFor(Enumerable.Range(0, count).Select(i => first + i).ToList()), columns));
    }

    private static Task<Results<FileContentHttpResult, StatusCodeHttpResult>> Edit([AsParameters] PictureRequest request, [AsParameters] EditQuery q)
    {
        var served = request.Served;
        // The start: a seed, or z itself as base64url float32 text (an inverted image: POST .../invert gives it).
        float[]? z = q.Z is { Length: > 0 } text ? LatentText.Decode(text, served.Model.Options.Nz, "z") : null;
        long seed = z is null ? QueryParser.Long(q.Seed, "seed", 0, long.MaxValue) : 0;
        bool pinned = true;
        var edits = (q.V ?? []).Select(v => ParseEdit(v, served.Vectors, ref pinned)).ToList();
        var conditions = (q.Condition ?? []).Select(c => Vector(c, "condition", served.Vectors, ref pinned)).ToList();
        bool unit = QueryParser.Flag(q.Unit), keepNorm = QueryParser.Flag(q.KeepNorm);
        return PngResults.Draw(request.Context, served, () => Figures.Edit(
            z is null ? served.Model.LatentsFor([seed]) : TorchSharp.torch.tensor(z).reshape(1, -1),
            edits, conditions, unit, keepNorm), pinned);
    }

    private static Task<Results<FileContentHttpResult, StatusCodeHttpResult>> Strip([AsParameters] PictureRequest request, [AsParameters] StripQuery q)
    {
        var served = request.Served;
        var seeds = QueryParser.Seeds(q.Seeds, "seeds", MaxExemplars);
        bool pinned = true;
        var vector = Vector(q.Vector ?? "", "vector", served.Vectors, ref pinned);
        var strengths = Input.UserInput.Strengths(q.Strengths, "strengths");
        var conditions = (q.Condition ?? []).Select(c => Vector(c, "condition", served.Vectors, ref pinned)).ToList();
        return PngResults.Draw(request.Context, served,
            () => Figures.Strip(served.Model.LatentsFor(seeds), vector, strengths, conditions), pinned);
    }

    private static Task<Results<FileContentHttpResult, StatusCodeHttpResult>> Interpolate([AsParameters] PictureRequest request,
        [AsParameters] InterpolationQuery q)
    {
        var served = request.Served;
        long a = QueryParser.Long(q.From, "from", 0, long.MaxValue), b = QueryParser.Long(q.To, "to", 0, long.MaxValue);
        int k = (int)QueryParser.Long(q.Steps, "steps", Input.InputLimits.MinInterpolationSteps, Input.InputLimits.MaxInterpolationSteps, 8);
        var path = DcganJson.ParseEnum<InterpolationMode>(q.Mode ?? "slerp", "mode");
        double? at = q.T is null ? null : QueryParser.Double(q.T, "t", 0, 1);
        var model = served.Model;
        return PngResults.Draw(request.Context, served, () => at is { } position
            ? Figures.InterpolationPoint(model.LatentsFor([a]), model.LatentsFor([b]), position, path) // the page's slider
            : Figures.Interpolation([model.LatentsFor([a]), model.LatentsFor([b])], k, path));
    }

    private static Task<Results<FileContentHttpResult, StatusCodeHttpResult>> Arithmetic([AsParameters] PictureRequest request,
        [AsParameters] ArithmeticQuery q)
    {
        var served = request.Served;
        var (sa, sb, sc) = (QueryParser.Seeds(q.A, "a", MaxExemplars), QueryParser.Seeds(q.B, "b", MaxExemplars),
            QueryParser.Seeds(q.C, "c", MaxExemplars));
        return PngResults.Draw(request.Context, served, () =>
        {
            var m = served.Model;
            var (figure, results) = Figures.Arithmetic(m.LatentsFor(sa), m.LatentsFor(sb), m.LatentsFor(sc));
            results.Dispose();
            return figure;
        });
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
