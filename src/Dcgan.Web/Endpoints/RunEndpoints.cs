using System.Text.Json;
using Dcgan.Training;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
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
        runs.MapGet("/", (ModelRegistry models) => models.Runs.Runs().Where(d => File.Exists(new RunLayout(d).Metrics))
                .Select(d => new RunSummary(Path.GetFileName(d), RunStatus.Of(d),
                    // Runs are trained by `dcgan train`: the advice names its flags.
                    TrainingHealth.Read(d).TakeLast(3)
                        .Select(w => w with { Message = SettingText.Render(w.Message, name => "--" + JsonNamingPolicy.KebabCaseLower.ConvertName(name)) })
                        .ToList(),
                    Checkpoint.List(d).Select(Path.GetFileName).ToList()!, RunFeeds.SampleFiles(d)))
                .ToList())
            .WithSummary("Training runs under the runs folder, as `dcgan train` writes them: state (training, finished, stopped), " +
                "the trainer's latest warnings, checkpoints and fixed-noise grids by file name.");

        runs.MapGet("/{name}/metrics",
                (string name, ModelRegistry models) => MetricsLog.Read(new RunLayout(RunPath(models, name)).Metrics))
            .WithSummary("metrics.csv as JSON rows.");

        runs.MapGet("/{name}/samples/{file}", (string name, string file, ModelRegistry models) =>
        {
            string dir = new RunLayout(RunPath(models, name)).Samples;
            RunsFolder.SafeName(file, "file");
            string path = Path.Combine(dir, file);
            return File.Exists(path) && file.EndsWith(".png")
                ? Results.File(File.ReadAllBytes(path), Png)
                : throw new KeyNotFoundException($"file: no sample '{file}' in run '{name}'");
        }).WithSummary("One of the run's fixed-noise grids.");

        runs.MapGet("/{name}/losses.png", (string name, ModelRegistry models) =>
        {
            string path = new RunLayout(RunPath(models, name)).LossPlot;
            return File.Exists(path)
                ? Results.File(File.ReadAllBytes(path), Png)
                : throw new KeyNotFoundException($"run '{name}' has no losses.png yet");
        }).WithSummary("The run's loss plot (written with each checkpoint).");

        runs.MapGet("/{name}/events", async (string name, ModelRegistry models, RunFeeds feeds, HttpContext context,
            IHostApplicationLifetime lifetime) =>
        {
            // Server-sent events: a "metrics" event per new metrics.csv row and a "sample" event per new grid, as the run writes them.
            string dir = RunPath(models, name);
            long sentStep = QueryParser.Long(context.Request.Query["after"], "after", -1, long.MaxValue, -1);
            using var seat = feeds.Join()
                ?? throw new BadHttpRequestException(
                    $"live views: {RunFeeds.MaxViewers} are open already; close a tab that watches a run and try again",
                    StatusCodes.Status503ServiceUnavailable);
            // Ends when the page leaves or the server stops, so a shutdown never waits on a watcher.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
            var cancel = stop.Token;
            context.Response.Headers.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            var feed = feeds.For(dir);
            var sentSamples = new HashSet<string>(RunFeeds.SampleFiles(dir));
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            try
            {
                do
                {
                    var (rows, samples) = feed.Since(sentStep);
                    foreach (var row in rows)
                    {
                        await context.Response.WriteAsync($"event: metrics\ndata: {JsonSerializer.Serialize(row, StreamJson)}\n\n", cancel);
                        sentStep = row.Step;
                    }
                    foreach (var sample in samples.Where(sentSamples.Add))
                        await context.Response.WriteAsync($"event: sample\ndata: {JsonSerializer.Serialize(sample)}\n\n", cancel);
                    await context.Response.Body.FlushAsync(cancel);
                } while (await timer.WaitForNextTickAsync(cancel));
            }
            catch (OperationCanceledException) { } // the page left, or the server is stopping
        }).WithSummary("Live updates of a run (server-sent events; at most 64 open at once).");
    }

    /// <summary>A run directory under the runs folder, by name.</summary>
    private static string RunPath(ModelRegistry models, string name) => models.Runs.Run(name);

}
