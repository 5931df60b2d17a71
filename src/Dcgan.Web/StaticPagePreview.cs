using Dcgan.Export;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dcgan.Web;

/// <summary>
/// `dcgan export --web DIR --serve`: a plain static server for an exported page, as any static host would serve it,
/// plus (unless told otherwise) the cross-origin isolation headers that let the browser run ONNX Runtime with threads.
/// Nothing but the folder's files is served.
/// </summary>
internal static class StaticPagePreview
{
    /// <summary>Refuses an address Kestrel could not listen on, or whose port another program holds, naming it.</summary>
    public static void CheckCanListen(string urls)
    {
        StudioServer.CheckUrls(urls);
        foreach (string url in urls.Split(';', StringSplitOptions.TrimEntries))
        {
            var uri = new Uri(url.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0"));
            if (uri.Port == 0) continue;
            var address = uri.Host == "localhost" ? System.Net.IPAddress.Loopback
                : System.Net.IPAddress.TryParse(uri.Host.Trim('[', ']'), out var parsed) ? parsed : null;
            if (address is null) continue; // a host name: Kestrel resolves it when it starts
            var probe = new System.Net.Sockets.TcpListener(address, uri.Port);
            try { probe.Start(); }
            catch (System.Net.Sockets.SocketException e)
            {
                throw new InputException("--urls", InputProblem.Invalid, $": cannot listen on {url} ({e.Message.TrimEnd('.')}); stop what uses the port or choose another");
            }
            finally { probe.Stop(); }
        }
    }

    public static WebApplication Build(string directory, string urls, bool crossOriginIsolated = true)
    {
        StudioServer.CheckUrls(urls);
        if (!Directory.Exists(directory)) throw new InputException("web", InputProblem.Invalid, $": {directory} is not a folder to serve");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(urls);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        var app = builder.Build();
        if (crossOriginIsolated)
            app.Use((context, next) =>
            {
                foreach (var (name, value) in WebPageExport.IsolationHeaders) context.Response.Headers[name] = value;
                return next(context);
            });
        var files = new PhysicalFileProvider(Path.GetFullPath(directory));
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".mjs"] = "text/javascript";
        types.Mappings[".wasm"] = "application/wasm";
        types.Mappings[".onnx"] = "application/octet-stream";
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files, ContentTypeProvider = types });
        return app;
    }
}
