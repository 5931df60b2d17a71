using System.Text.Json;
using Dcgan.Imaging;
using Dcgan.Latent;
using Dcgan.Training;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dcgan.Web;

/// <summary>
/// `dcgan serve`: minimal-API endpoints over the library and the page in wwwroot. PNGs are made by the same
/// functions as the command's files (ImageSampler, ImageGrid, Png), so they are the same bytes.
/// </summary>
public static class StudioServer
{
    public const int MaxImages = 256;
    public const double MaxStrength = 100;
    public const long MaxBodyBytes = 1 << 20;
    private const string Png = "image/png";
    private static readonly JsonSerializerOptions StreamJson = new(JsonSerializerOptions.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static WebApplication Build(StudioOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxBodyBytes);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddProblemDetails();
        // Enums as the files and the command write them ("bce-logits"), not as numbers.
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
            o.SerializerOptions.NumberHandling = StreamJson.NumberHandling; // WGAN-GP's critic-only steps log NaN for G
        });
        builder.Services.AddOpenApi();
        builder.Services.AddSingleton(_ => new Studio(options));
        configure?.Invoke(builder);

        var app = builder.Build();
        app.Use(TranslateErrors);
        string wwwroot = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (Directory.Exists(wwwroot))
        {
            var files = new PhysicalFileProvider(wwwroot);
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        }
        app.MapOpenApi();
        MapImages(app.MapGroup("/api"));
        MapVectors(app.MapGroup("/api/vectors"));
        MapModels(app.MapGroup("/api/models"));
        MapRuns(app.MapGroup("/api/runs"));
        app.MapGet("/api/status", (Studio studio) =>
        {
            using var process = System.Diagnostics.Process.GetCurrentProcess();
            return new ServerStatus(studio.Model.Path, process.WorkingSet64, GC.GetTotalMemory(false), GC.CollectionCount(0), GC.CollectionCount(2));
        }).WithSummary("The served model and the process's memory (for load tests).");
        app.Services.GetRequiredService<Studio>(); // load the model now: a bad checkpoint fails at start, not at the first request
        return app;
    }

    /// <summary>Bad input -> 400, unknown names -> 404, too large -> 413; each as problem details naming the parameter.</summary>
    private static async Task TranslateErrors(HttpContext context, Func<Task> next)
    {
        try
        {
            await next();
        }
        catch (Exception e) when (e is ArgumentException or KeyNotFoundException or FileNotFoundException or InvalidDataException or BadHttpRequestException or JsonException)
        {
            int status = e switch
            {
                KeyNotFoundException or FileNotFoundException => StatusCodes.Status404NotFound,
                BadHttpRequestException bad => bad.StatusCode,
                _ => StatusCodes.Status400BadRequest,
            };
            if (context.Response.HasStarted) throw;
            context.Response.Clear();
            await Results.Problem(statusCode: status, title: status == 404 ? "Not found" : "Invalid request", detail: e.Message).ExecuteAsync(context);
        }
    }

    private static void MapImages(RouteGroupBuilder api)
    {
        api.MapGet("/images/{seed}.png", (string seed, Studio studio) =>
        {
            long s = QueryParser.Long(seed, "seed", 0, long.MaxValue);
            return Results.File(Imaging.Png.Encode(studio.Model.Sampler.RenderSeeds([s])[0]), Png);
        }).WithSummary("One generated image by seed: the bytes of `dcgan sample --seed S --each DIR`.");

        api.MapGet("/grid.png", (string? seed, string? n, string? nrow, Studio studio) =>
        {
            long first = QueryParser.Long(seed, "seed", 0, long.MaxValue - MaxImages, 0);
            int count = (int)QueryParser.Long(n, "n", 1, MaxImages, 64);
            int columns = (int)QueryParser.Long(nrow, "nrow", 1, MaxImages, 8);
            var images = studio.Model.Sampler.RenderSeeds(Enumerable.Range(0, count).Select(i => first + i).ToList());
            return Results.File(Imaging.Png.Encode(ImageGrid.Make(images, columns)), Png);
        }).WithSummary("A grid of seeds seed..seed+n-1: the bytes of `dcgan sample --out`.");

        api.MapGet("/edit.png", (HttpRequest request, Studio studio) =>
        {
            var q = request.Query;
            long seed = QueryParser.Long(q["seed"], "seed", 0, long.MaxValue);
            var edits = q["v"].Select(v => ParseEdit(v!, studio)).ToList();
            var conditions = q["condition"].Select(c => studio.GetVector(c!)).ToList();
            var image = Editing.EditedImage(studio.Model, seed, edits, conditions, QueryParser.Flag(q["unit"]), QueryParser.Flag(q["keepNorm"]));
            return Results.File(Imaging.Png.Encode(image), Png);
        }).WithSummary("An edited image: seed, v=NAME:STRENGTH (repeatable), condition=NAME (repeatable), unit, keepNorm.");

        api.MapGet("/strip.png", (HttpRequest request, Studio studio) =>
        {
            var q = request.Query;
            var seeds = QueryParser.Seeds(q["seeds"], "seeds", 16);
            var vector = studio.GetVector(q["vector"].ToString());
            var strengths = (q["strengths"].ToString() is { Length: > 0 } text ? text : "-2,-1,0,1,2").Split(',')
                .Select(s => QueryParser.Double(s, "strengths", -MaxStrength, MaxStrength)).ToList();
            if (strengths.Count > 32) throw new ArgumentException("strengths: at most 32");
            var conditions = q["condition"].Select(c => studio.GetVector(c!)).ToList();
            return Results.File(Imaging.Png.Encode(Editing.Strip(studio.Model, seeds, vector, strengths, conditions)), Png);
        }).WithSummary("The comparison strip of `dcgan attribute apply`: one row per seed, one column per strength.");

        api.MapGet("/interpolate.png", (string? from, string? to, string? steps, string? mode, string? t, Studio studio) =>
        {
            long a = QueryParser.Long(from, "from", 0, long.MaxValue), b = QueryParser.Long(to, "to", 0, long.MaxValue);
            int k = (int)QueryParser.Long(steps, "steps", 2, 64, 8);
            bool spherical = (mode ?? "slerp") switch { "slerp" => true, "lerp" => false, _ => throw new ArgumentException($"mode: '{mode}' is neither slerp nor lerp") };
            var model = studio.Model;
            using var scope = TorchSharp.torch.NewDisposeScope();
            var (za, zb) = (model.LatentsFor([a]), model.LatentsFor([b]));
            if (t is not null)
            {
                // One image at position t of the path (the page's slider).
                double at = QueryParser.Double(t, "t", 0, 1);
                var z = spherical ? LatentMath.Slerp(za, zb, at) : LatentMath.Lerp(za, zb, at);
                return Results.File(Imaging.Png.Encode(model.Sampler.Render(z)[0]), Png);
            }
            return Results.File(Imaging.Png.Encode(ImageGrid.Make(model.Sampler.Render(LatentMath.Path([za, zb], k, spherical)), k)), Png);
        }).WithSummary("An interpolation strip between two seeds (slerp or lerp), or with t one image along the path.");

        api.MapGet("/arithmetic.png", (string? a, string? b, string? c, Studio studio) =>
        {
            var (figure, results) = Editing.ArithmeticFigure(studio.Model, QueryParser.Seeds(a, "a", 16), QueryParser.Seeds(b, "b", 16), QueryParser.Seeds(c, "c", 16));
            results.Dispose();
            return Results.File(Imaging.Png.Encode(figure), Png);
        }).WithSummary("mean(A) - mean(B) + mean(C) as the DCGAN paper's figure.");
    }

    /// <summary>The request body as text, refused with 413 past <see cref="MaxBodyBytes"/> whatever server runs this.</summary>
    private static async Task<string> ReadBody(HttpRequest request)
    {
        if (request.ContentLength > MaxBodyBytes) throw new BadHttpRequestException($"body: {request.ContentLength} bytes, at most {MaxBodyBytes}", StatusCodes.Status413PayloadTooLarge);
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        for (int read; (read = await request.Body.ReadAsync(chunk)) > 0;)
        {
            if (buffer.Length + read > MaxBodyBytes) throw new BadHttpRequestException($"body: more than {MaxBodyBytes} bytes", StatusCodes.Status413PayloadTooLarge);
            buffer.Write(chunk, 0, read);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static VectorEdit ParseEdit(string text, Studio studio)
    {
        int colon = text.LastIndexOf(':');
        if (colon <= 0) throw new ArgumentException($"v: '{text}' must be NAME:STRENGTH");
        return new VectorEdit(studio.GetVector(text[..colon]), QueryParser.Double(text[(colon + 1)..], "v (strength)", -MaxStrength, MaxStrength));
    }

    public sealed record VectorRequest(string? Name, string? Method, long[]? With, long[]? Without, long[]? BalanceWith);
    public sealed record VectorSummary(string Name, string Method, double Norm, VectorValidation? Validation, int With, int Without, double? Sigma);
    public sealed record DirectionsRequest(string? Method, int? K);

    private static VectorSummary Summary(AttributeVector v) =>
        new(v.Name, DcganJson.Name(v.Method), v.Norm, v.Validation, v.SeedsWith.Count, v.SeedsWithout.Count, v.Sigma);

    private static void MapVectors(RouteGroupBuilder vectors)
    {
        vectors.MapGet("/", (Studio studio) => studio.Vectors.Values.OrderBy(v => v.Name, StringComparer.Ordinal).Select(Summary).ToList())
            .WithSummary("The named vectors of this session.");

        vectors.MapPost("/", (VectorRequest body, Studio studio) =>
        {
            string name = Studio.CheckName(body.Name ?? "", "name");
            var method = Training.DcganJson.ParseEnum<AttributeMethod>(body.Method ?? "mean-diff", "method");
            if (method is AttributeMethod.Sefa or AttributeMethod.Pca) throw new ArgumentException("method: must be mean-diff, balanced or svm");
            if ((body.With?.Length ?? 0) + (body.Without?.Length ?? 0) > 10_000) throw new ArgumentException("with/without: at most 10000 labels");
            if ((body.With ?? []).Concat(body.Without ?? []).Any(s => s < 0)) throw new ArgumentException("with/without: seeds are non-negative integers");
            var vector = Editing.FitFromSeeds(studio.Model, name, method, body.With ?? [], body.Without ?? [], body.BalanceWith?.ToHashSet());
            studio.Vectors[name] = vector;
            return Results.Created($"/api/vectors/{name}", Summary(vector));
        }).WithSummary("Fit a vector from labelled seeds: {name, method (mean-diff|balanced|svm), with, without, balanceWith}.");

        vectors.MapGet("/{name}", (string name, Studio studio) =>
            Results.File(System.Text.Encoding.UTF8.GetBytes(DcganJson.Serialize(studio.GetVector(name))), "application/json", $"{name}.json"))
            .WithSummary("The vector file, the same format as `dcgan attribute fit --out`.");

        vectors.MapDelete("/{name}", (string name, Studio studio) =>
            studio.Vectors.TryRemove(Studio.CheckName(name, "name"), out _) ? Results.NoContent() : throw new KeyNotFoundException($"name: no vector named '{name}'"));

        vectors.MapPost("/upload", async (HttpRequest request, Studio studio) =>
        {
            string json = await ReadBody(request);
            var vector = Training.DcganJson.Deserialize<AttributeVector>(json, "the uploaded vector");
            Studio.CheckName(vector.Name, "name");
            if (vector.Vector.Length != vector.Nz) throw new ArgumentException($"vector: {vector.Vector.Length} values but nz is {vector.Nz}");
            var model = studio.Model;
            string? warning = vector.CheckFits(model.Options.Nz, model.Hash, allowOtherModel: QueryParser.Flag(request.Query["force"]));
            studio.Vectors[vector.Name] = vector;
            return Results.Ok(new { vector = Summary(vector), warning });
        }).WithSummary("Load a vector file (the command's format). A vector of another model needs ?force=1.");

        vectors.MapPost("/directions", (DirectionsRequest body, Studio studio) =>
        {
            var method = Training.DcganJson.ParseEnum<AttributeMethod>(body.Method ?? "sefa", "method");
            var made = Editing.DiscoverDirections(studio.Model, method, body.K ?? 5, 2048);
            foreach (var v in made) studio.Vectors[v.Name] = v;
            return made.Select(Summary).ToList();
        }).WithSummary("Discover directions (sefa or pca) and add them as vectors named sefa-00, ...");
    }

    private static void MapModels(RouteGroupBuilder models)
    {
        models.MapGet("/", (Studio studio) => new
        {
            current = new { path = studio.Model.Path, hash = studio.Model.Hash, options = studio.Model.Options },
            available = studio.AvailableModels(),
        }).WithSummary("The served model and the ones that can be picked.");

        models.MapPost("/select", (ModelChoice body, Studio studio) =>
        {
            var model = studio.Select(body.Path ?? throw new ArgumentException("path: required"));
            return new { path = model.Path, hash = model.Hash, options = model.Options };
        }).WithSummary("Serve another of the available models (the session's vectors are dropped: they belong to a model).");
    }

    public sealed record ModelChoice(string? Path);

    public sealed record ServerStatus(string Model, long WorkingSetBytes, long ManagedBytes, int Gen0Collections, int Gen2Collections);

    private static void MapRuns(RouteGroupBuilder runs)
    {
        runs.MapGet("/", (Studio studio) => Directory.Exists(studio.RunsDir)
            ? Directory.GetDirectories(studio.RunsDir).Where(d => File.Exists(Path.Combine(d, "metrics.csv"))).Order(StringComparer.Ordinal).Select(d => new
            {
                name = Path.GetFileName(d),
                checkpoints = Checkpoint.List(d).Select(Path.GetFileName).ToList(),
                samples = SampleFiles(d),
            }).ToList()
            : []).WithSummary("Training runs under the runs folder, as `dcgan train` writes them.");

        runs.MapGet("/{name}/metrics", (string name, Studio studio) => MetricsLog.Read(Path.Combine(studio.RunPath(name), "metrics.csv")))
            .WithSummary("metrics.csv as JSON rows.");

        runs.MapGet("/{name}/samples/{file}", (string name, string file, Studio studio) =>
        {
            string dir = Path.Combine(studio.RunPath(name), "samples");
            Studio.CheckName(file, "file");
            string path = Path.Combine(dir, file);
            return File.Exists(path) && file.EndsWith(".png") ? Results.File(File.ReadAllBytes(path), Png) : throw new KeyNotFoundException($"file: no sample '{file}' in run '{name}'");
        }).WithSummary("One of the run's fixed-noise grids.");

        runs.MapGet("/{name}/losses.png", (string name, Studio studio) =>
        {
            string path = Path.Combine(studio.RunPath(name), "losses.png");
            return File.Exists(path) ? Results.File(File.ReadAllBytes(path), Png) : throw new KeyNotFoundException($"run '{name}' has no losses.png yet");
        });

        runs.MapGet("/{name}/events", async (string name, Studio studio, HttpContext context, CancellationToken cancel) =>
        {
            // Server-sent events: a "metrics" event per new metrics.csv row and a "sample" event per new grid, as the run writes them.
            string dir = studio.RunPath(name);
            context.Response.Headers.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            long sentStep = QueryParser.Long(context.Request.Query["after"], "after", -1, long.MaxValue, -1);
            var sentSamples = new HashSet<string>(SampleFiles(dir));
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            do
            {
                foreach (var row in MetricsLog.Read(Path.Combine(dir, "metrics.csv")).Where(r => r.Step > sentStep))
                {
                    await context.Response.WriteAsync($"event: metrics\ndata: {JsonSerializer.Serialize(row, StreamJson)}\n\n", cancel);
                    sentStep = row.Step;
                }
                foreach (var sample in SampleFiles(dir).Where(sentSamples.Add))
                    await context.Response.WriteAsync($"event: sample\ndata: {JsonSerializer.Serialize(sample)}\n\n", cancel);
                await context.Response.Body.FlushAsync(cancel);
            } while (await timer.WaitForNextTickAsync(cancel));
        }).WithSummary("Live updates of a run (server-sent events).");
    }

    private static List<string> SampleFiles(string runDir)
    {
        string dir = Path.Combine(runDir, "samples");
        return Directory.Exists(dir) ? Directory.GetFiles(dir, "*.png").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList() : [];
    }
}
