using System.Text.Json;
using Dcgan.Web.Endpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dcgan.Web;

/// <summary>
/// `dcgan serve`: the page in wwwroot and thin minimal-API endpoints over the library (one file per group in
/// Endpoints/). Nothing on the server is selected or shared between pages: every URL names its model by id.
/// </summary>
internal static class StudioServer
{
    /// <summary>--urls: one or more absolute http:// addresses with a port, separated by ';' (Kestrel's own form).</summary>
    internal static void CheckUrls(string urls)
    {
        foreach (string url in urls.Split(';', StringSplitOptions.TrimEntries))
            // Kestrel's wildcard hosts (http://*:5000, http://+:5000) are addresses too; Uri does not parse them.
            if (!Uri.TryCreate(url.Replace("://*", "://any").Replace("://+", "://any"), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
                throw new InputException("--urls", InputProblem.Invalid, $": '{url}' is not an address to listen on; give one such as http://127.0.0.1:5000");
    }

    public static WebApplication Build(StudioOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        CheckUrls(options.Urls);
        Models.DeviceSelector.Parse(options.Device); // a device this build lacks is refused at start, not by every request
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = VectorEndpoints.MaxBodyBytes);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // A port in use is one line from the command ("Failed to bind ..."), not the host's stack trace as well.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.Services.AddProblemDetails();
        // Malformed JSON bodies reach TranslateErrors (a problem naming the fault) instead of an empty 400.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            // Enums as the files and the command write them ("bce-logits"), not as numbers.
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
            // WGAN-GP logs NaN for G
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals;
        });
        builder.Services.AddOpenApi();
        // SIGTERM closes within seconds: in-flight inversions are cancelled, and a client stuck mid-header is not waited for.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(3));
        builder.Services.AddSingleton(_ => new ModelRegistry(options));
        builder.Services.AddSingleton<RunFeeds>();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.Use(new LocalRequestGuard(options).InvokeAsync); // first: a foreign Host or Origin reaches nothing else
        app.UseStatusCodePages(); // problem details for 404/405 with no body
        app.Use(TranslateErrors);
        string wwwroot = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (Directory.Exists(wwwroot))
        {
            var files = new PhysicalFileProvider(wwwroot);
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        }
        app.MapOpenApi();
        // One tag per group, so the OpenAPI document (/openapi/v1.json) reads as the page's panels do.
        ModelEndpoints.Map(app.MapGroup("/api/models").WithTags("Models"));
        ImageEndpoints.Map(app.MapGroup("/api/models/{id}").WithTags("Images"));
        InversionEndpoints.Map(app.MapGroup("/api/models/{id}").WithTags("Inversion"));
        VectorEndpoints.Map(app.MapGroup("/api/models/{id}/vectors").WithTags("Vectors"));
        RunEndpoints.Map(app.MapGroup("/api/runs").WithTags("Runs"));
        StudioEndpoints.Map(app);
        app.Services.GetRequiredService<ModelRegistry>(); // read the models now: nothing to serve fails at start, not at the first request
        return app;
    }

    /// <summary>
    /// The library's typed input errors by their kind (400, 404, 409, 413), unknown names 404, unreadable uploads 400, each
    /// as problem details naming the parameter; anything else is a bug: 500 with a trace id, the exception in the log.
    /// </summary>
    internal static async Task TranslateErrors(HttpContext context, Func<Task> next)
    {
        try
        {
            await next();
        }
        catch (InputException e) when (!context.Response.HasStarted)
        {
            // The library's typed error: the status from its kind, and the kind and the setting for the page to act on.
            int status = e.Problem switch
            {
                InputProblem.NotFound => StatusCodes.Status404NotFound,
                InputProblem.TooLarge => StatusCodes.Status413PayloadTooLarge,
                InputProblem.RunExists or InputProblem.RunLocked => StatusCodes.Status409Conflict,
                _ => StatusCodes.Status400BadRequest,
            };
            context.Response.Clear();
            await Results.Problem(statusCode: status, title: status == StatusCodes.Status404NotFound ? "Not found" : "Invalid request",
                detail: e.Message, extensions: new Dictionary<string, object?>
                {
                    ["code"] = JsonNamingPolicy.KebabCaseLower.ConvertName(e.Problem.ToString()), ["setting"] = e.Setting,
                }).ExecuteAsync(context);
        }
        // A file the caller sent that does not read (an upload, a JSON body), and Kestrel's own refusals: the caller's too.
        // Names that are not found are InputExceptions of kind NotFound; a KeyNotFoundException is a bug like any other.
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or JsonException)
        {
            int status = e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status400BadRequest;
            if (context.Response.HasStarted) throw;
            context.Response.Clear();
            string detail = e is BadHttpRequestException { InnerException: JsonException json }
                ? "body: not the JSON this endpoint takes " +
                    $"({json.Message.Split(" Path:")[0].Split(" LineNumber:")[0].TrimEnd('.', ' ')}); see /openapi/v1.json"
                : e.Message;
            string title = status switch
            {
                StatusCodes.Status404NotFound => "Not found",
                StatusCodes.Status413PayloadTooLarge => "Too large",
                StatusCodes.Status503ServiceUnavailable => "Busy",
                _ => "Invalid request",
            };
            await Results.Problem(statusCode: status, title: title, detail: detail)
                .ExecuteAsync(context);
        }
        catch (Exception e) when (!context.Response.HasStarted && e is not OperationCanceledException)
        {
            // Not the caller's input: a fault of the server. Logged with its trace, answered with the id that finds it.
            string traceId = System.Diagnostics.Activity.Current?.Id ?? context.TraceIdentifier;
            ILogger log;
            try { log = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Dcgan.Studio"); }
            catch (ObjectDisposedException)
            {
                // A request still running while the studio shuts down: its services are gone, so it cannot be logged or
                // answered as a problem; a bare 503 instead of a second exception in Kestrel's log.
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }
            log.LogError(e, "Unexpected error on {Method} {Path} (trace {TraceId})", context.Request.Method, context.Request.Path, traceId);
            context.Response.Clear();
            await Results.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "Server error",
                detail: $"the studio failed on this request ({e.GetType().Name}); the log has the trace {traceId}",
                extensions: new Dictionary<string, object?> { ["traceId"] = traceId }).ExecuteAsync(context);
        }
    }
}
