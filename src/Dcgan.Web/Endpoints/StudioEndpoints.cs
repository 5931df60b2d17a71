using Dcgan.Input;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Dcgan.Web.Endpoints;

/// <summary>/api/limits and /api/status: what the page needs to check input as the server will, and the process's load.</summary>
internal static class StudioEndpoints
{
    /// <summary>The bounds the server applies, and where its runs live: the page checks and words input by these.</summary>
    public sealed record StudioLimits(int ExemplarSeeds, int GridImages, int Labels, int MinLabelsPerSide, int LabelsPerSideToJudge,
        int MinInterpolationSteps, int MaxInterpolationSteps, long VectorFileBytes, long ImageFileBytes, int VectorNameLength,
        int InversionSteps, int InversionRestarts, string RunsFolder);

    public sealed record ServerStatus(int LoadedModels, long ForwardPasses, long ImagesDrawn, int LiveViewers, long WorkingSetBytes,
        long ManagedBytes, int Gen0Collections, int Gen2Collections);

    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Studio");
        api.MapGet("/limits", Limits).WithSummary("The bounds the server applies to input, and the runs folder as `dcgan train --out` names it.");
        api.MapGet("/status", Status).WithSummary("Loaded models and the process's memory (for load tests).");
    }

    private static Ok<StudioLimits> Limits(ModelRegistry models) => TypedResults.Ok(new StudioLimits(
        InputLimits.ExemplarSeeds, InputLimits.GridImages, InputLimits.Labels, Latent.AttributeFitter.MinimumPerSide,
        Latent.VectorQuality.LabelsPerSideToJudge, InputLimits.MinInterpolationSteps, InputLimits.MaxInterpolationSteps,
        InputLimits.VectorFileBytes, InputLimits.ImageFileBytes, Latent.AttributeVector.MaxNameLength,
        InputLimits.StudioInversionSteps, InputLimits.StudioInversionRestarts, models.Runs.DisplayPath));

    private static Ok<ServerStatus> Status(ModelRegistry models, RunFeeds feeds)
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        var (batches, images) = models.Drawn;
        return TypedResults.Ok(new ServerStatus(models.LoadedCount, batches, images, feeds.Viewers, process.WorkingSet64,
            GC.GetTotalMemory(false), GC.CollectionCount(0), GC.CollectionCount(2)));
    }
}
