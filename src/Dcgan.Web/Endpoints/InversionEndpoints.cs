using System.Diagnostics;
using Dcgan.Latent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Dcgan.Web.Endpoints;

/// <summary>POST /api/models/{id}/invert: a person's own image becomes a latent that every edit URL can start from.</summary>
internal static class InversionEndpoints
{
    public const long MaxImageBytes = Input.InputLimits.ImageFileBytes;
    // Inversion keeps both cores busy for seconds: one at a time, the others wait their turn (or give up when they leave).
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    public sealed record InversionAnswer(string Z, float[] Latent, double Psnr, double Ssim, int Steps, int Restarts, long Seed,
        double Seconds, string Reconstruction);

    private static ProblemHttpResult ShuttingDown() => TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Busy",
        detail: "the studio is shutting down; send the image again once it is back");

    public static void Map(RouteGroupBuilder model)
    {
        model.MapPost("/invert", Invert).DisableAntiforgery()
          .WithSummary("Invert an uploaded image (multipart field 'image'; steps, restarts, seed in the query): " +
                       "its latent z (base64url, for edit.png?z=), PSNR and SSIM of the reconstruction, and the reconstruction's URL.");
    }

    private static async Task<Results<Ok<InversionAnswer>, ProblemHttpResult>> Invert(string id, HttpContext context, ModelRegistry models, IHostApplicationLifetime lifetime)
    {
        var served = models.Get(id);
        var request = context.Request;
        if (request.ContentLength is { } length && length > MaxImageBytes)
            throw Input.InputLimits.TooLarge("image", length, MaxImageBytes);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = MaxImageBytes;
        if (!request.HasFormContentType)
            throw new InputException("image", InputProblem.Invalid, ": send the image as multipart/form-data, in a field named 'image'");
        var q = request.Query;
        var options = new InversionOptions
        {
            Steps = (int)QueryParser.Long(q["steps"], "steps", 1, Input.InputLimits.StudioInversionSteps, 400),
            Restarts = (int)QueryParser.Long(q["restarts"], "restarts", 1, Input.InputLimits.StudioInversionRestarts, 4),
            Seed = QueryParser.Long(q["seed"], "seed", 0, long.MaxValue, 0),
        };
        var form = await request.ReadFormAsync(context.RequestAborted);
        var file = form.Files.GetFile("image") ?? throw new InputException("image", InputProblem.Invalid, ": no file in a form field named 'image'");
        if (file.Length == 0) throw new InputException("image", InputProblem.Invalid, ": the file is empty");
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, context.RequestAborted);
        // Read once, here, so that an image that does not decode is refused before the queue (the decode's temporaries freed).
        TorchSharp.torch.Tensor decoded;
        using (TorchSharp.torch.NewDisposeScope())
            decoded = Inversion.ReadTarget(file.FileName, buffer.ToArray(), served.Model.Options).MoveToOuterDisposeScope();
        using var target = decoded;
        // Stopped when the client goes or the studio shuts down (SIGTERM must not wait for a 90-second inversion).
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        try { await OneAtATime.WaitAsync(cancel.Token); }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested) { return ShuttingDown(); }
        try
        {
            var clock = Stopwatch.StartNew();
            InversionResult result;
            try { result = await Task.Run(() => served.Model.Invert(target, options, cancel: cancel.Token)); }
            catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested) { return ShuttingDown(); }
            string z = LatentText.Encode(result.Latent);
            return TypedResults.Ok(new InversionAnswer(z, result.Latent, result.Psnr, result.Ssim, options.Steps, options.Restarts,
                options.Seed, clock.Elapsed.TotalSeconds, $"/api/models/{id}/edit.png?z={z}"));
        }
        finally { OneAtATime.Release(); }
    }
}
