using System.Text.Json;
using Dcgan.Training;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Dcgan.Web.Endpoints;

/// <summary>/api/runs: the training runs under the runs folder, as `dcgan train` writes them, and their live updates.</summary>
internal static class RunEndpoints
{
    private const string Png = "image/png";
    private static readonly JsonSerializerOptions StreamJson = new(JsonSerializerOptions.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>One run as the page lists it.</summary>
    public sealed record RunSummary(string Name, RunStatus Status, IReadOnlyList<HealthWarning> Warnings, IReadOnlyList<string> Checkpoints,
        IReadOnlyList<string> Samples);

    public static void Map(RouteGroupBuilder runs)
    {
        runs.MapGet("/", List).WithSummary("Training runs under the runs folder, as `dcgan train` writes them: state (training, finished, " +
            "stopped), the trainer's latest warnings, checkpoints and fixed-noise grids by file name.");
        runs.MapGet("/{name}/metrics", Metrics).WithSummary("metrics.csv as JSON rows.");
        runs.MapGet("/{name}/samples/{file}", Sample).WithSummary("One of the run's fixed-noise grids.");
        runs.MapGet("/{name}/losses.png", Losses).WithSummary("The run's loss plot (written with each checkpoint).");
        runs.MapGet("/{name}/events", Events).WithSummary($"Live updates of a run (server-sent events; at most {RunFeeds.MaxViewers} open at once).");
    }

    private static Ok<List<RunSummary>> List(ModelRegistry models) => TypedResults.Ok(models.Runs.Runs()
        .Where(d => File.Exists(new RunLayout(d).Metrics))
        .Select(d => new RunSummary(Path.GetFileName(d), RunStatus.Of(d),
            // Runs are trained by `dcgan train`: the advice names its flags.
            TrainingHealth.Read(d).TakeLast(3)
                .Select(w => w with { Message = SettingText.Render(w.Message, name => "--" + JsonNamingPolicy.KebabCaseLower.ConvertName(name)) })
                .ToList(),
            Checkpoint.List(d).Select(c => Path.GetFileName(c)).ToList(), RunFeeds.SampleFiles(d)))
        .ToList());

    private static Ok<List<MetricsRow>> Metrics(string name, ModelRegistry models) =>
        TypedResults.Ok(MetricsLog.Read(new RunLayout(models.Runs.Run(name)).Metrics));

    private static FileContentHttpResult Sample(string name, string file, ModelRegistry models)
    {
        string dir = new RunLayout(models.Runs.Run(name)).Samples;
        RunsFolder.SafeName(file, "file");
        string path = Path.Combine(dir, file);
        return File.Exists(path) && file.EndsWith(".png")
            ? TypedResults.File(File.ReadAllBytes(path), Png)
            : throw new InputException("file", InputProblem.NotFound, $": no sample '{file}' in run '{name}'");
    }

    private static FileContentHttpResult Losses(string name, ModelRegistry models)
    {
        string path = new RunLayout(models.Runs.Run(name)).LossPlot;
        return File.Exists(path) ? TypedResults.File(File.ReadAllBytes(path), Png)
            : throw new InputException("run", InputProblem.NotFound, $": '{name}' has no losses.png yet");
    }

    /// <summary>Server-sent events: a "metrics" event per new metrics.csv row and a "sample" event per new grid, as the run writes them.</summary>
    private static async Task Events(string name, string? after, ModelRegistry models, RunFeeds feeds, HttpContext context,
        IHostApplicationLifetime lifetime)
    {
        string dir = models.Runs.Run(name);
        long sentStep = QueryParser.Long(after, "after", -1, long.MaxValue, -1);
        using var seat = feeds.Join()
            ?? throw new BadHttpRequestException(
                $"live views: {RunFeeds.MaxViewers} are open already; close a tab that watches a run and try again",
                StatusCodes.Status503ServiceUnavailable);
        // Ends when the page leaves or the server stops, so a shutdown never waits on a watcher.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        try { await Stream(context.Response, feeds.For(dir), dir, sentStep, stop.Token); }
        catch (OperationCanceledException) { } // the page left, or the server is stopping
    }

    private static async Task Stream(HttpResponse response, RunFeeds.Feed feed, string dir, long sentStep, CancellationToken cancel)
    {
        var sentSamples = new HashSet<string>(RunFeeds.SampleFiles(dir));
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        do
        {
            var (rows, samples) = feed.Since(sentStep);
            foreach (var row in rows)
            {
                await response.WriteAsync($"event: metrics\ndata: {JsonSerializer.Serialize(row, StreamJson)}\n\n", cancel);
                sentStep = row.Step;
            }
            foreach (var sample in samples.Where(sentSamples.Add))
                await response.WriteAsync($"event: sample\ndata: {JsonSerializer.Serialize(sample)}\n\n", cancel);
            await response.Body.FlushAsync(cancel);
        } while (await timer.WaitForNextTickAsync(cancel));
    }
}
