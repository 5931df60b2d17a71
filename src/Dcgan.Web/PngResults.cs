using System.Security.Cryptography;
using System.Text;
using Dcgan.Generation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using static TorchSharp.torch;

namespace Dcgan.Web;

/// <summary>
/// PNG answers with HTTP caching. A URL that pins every input (the model id, seeds, and vectors as NAME@VERSION)
/// always means the same bytes: it gets a strong ETag derived from the URL and the program's version, is cached for
/// a year as immutable, and a matching If-None-Match is answered 304 before anything is drawn. A URL that names a
/// vector by name alone may change meaning: it is revalidated each time (ETag of the bytes, no-cache).
/// </summary>
internal static class PngResults
{
    private static readonly string ProgramVersion =
        typeof(Figure).Assembly.ManifestModule.ModuleVersionId.ToString("N"); // changes with every build of the library

    public static async Task<Results<FileContentHttpResult, StatusCodeHttpResult>> Draw(HttpContext context, ServedModel served, Func<Figure> plan, bool pinned = true)
    {
        var request = context.Request;
        var headers = context.Response.Headers;
        string? tag = pinned ? Tag(Encoding.UTF8.GetBytes($"{ProgramVersion}|{request.Path}|{request.QueryString}")) : null;
        if (tag is not null)
        {
            headers.CacheControl = "public, max-age=31536000, immutable";
            headers.ETag = tag;
            if (Matches(request, tag)) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        Figure figure;
        using (NewDisposeScope()) figure = plan(); // latents are made here; G runs in the batch
        var bytes = Imaging.Png.Encode(await served.Renderer.DrawAsync(figure, context.RequestAborted));
        if (tag is null)
        {
            tag = Tag(bytes);
            headers.CacheControl = "no-cache";
            headers.ETag = tag;
            if (Matches(request, tag)) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        return TypedResults.File(bytes, "image/png");
    }

    private static string Tag(byte[] content) => $"\"{Convert.ToHexString(SHA256.HashData(content))[..32].ToLowerInvariant()}\"";

    private static bool Matches(HttpRequest request, string tag) =>
        request.Headers.IfNoneMatch.Any(v => v is not null && (v == "*" || v.Split(',').Any(t => t.Trim() == tag)));
}
