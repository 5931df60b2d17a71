using System.Net;
using Microsoft.AspNetCore.Http;

namespace Dcgan.Web;

/// <summary>
/// What trusted local development servers do, since the studio has no accounts: any web page a person visits could
/// otherwise drive it from their browser. Two checks, before any endpoint runs:
/// <list type="bullet">
/// <item>the Host header must name this machine (loopback names) or a host given with --allowed-hosts or in --urls:
/// a page whose own name resolves to 127.0.0.1 (DNS rebinding) still sends its own name, and is refused;</item>
/// <item>a request that changes state (POST, PUT, PATCH, DELETE) sent by a browser carries Origin, which must be the
/// studio's own: a cross-site form or fetch (CSRF) is refused. Programs (curl, the load test) send no Origin and pass.</item>
/// </list>
/// </summary>
internal sealed class LocalRequestGuard
{
    private static readonly string[] LoopbackNames = ["localhost", "127.0.0.1", "[::1]", "::1"];
    private readonly HashSet<string> allowedHosts;
    private readonly bool anyHost;

    public LocalRequestGuard(StudioOptions options)
    {
        var hosts = new List<string>(LoopbackNames);
        hosts.AddRange(options.AllowedHosts);
        // A host named in --urls (http://192.168.1.5:5000) is where the person means to be reached.
        foreach (string url in options.Urls.Split(';', StringSplitOptions.TrimEntries))
            if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Host is { Length: > 0 } host && host != "*" && host != "+")
                hosts.Add(host);
        anyHost = hosts.Contains("*");
        allowedHosts = new HashSet<string>(hosts.Select(h => h.Trim().ToLowerInvariant()), StringComparer.Ordinal);
    }

    /// <summary>True where every address in --urls is this machine's own (so no warning about exposure is due).</summary>
    public static bool ListensOnLoopbackOnly(string urls) => urls.Split(';', StringSplitOptions.TrimEntries).All(url =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.IsLoopback || IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip)));

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        string host = context.Request.Host.Host.ToLowerInvariant();
        if (!anyHost && !allowedHosts.Contains(host))
        {
            await Refuse(context, StatusCodes.Status400BadRequest, "Unknown host",
                $"the studio answers to this machine's own names, not '{host}'; to reach it under that name, start it with " +
                $"--allowed-hosts {host}");
            return;
        }
        if (ChangesState(context.Request.Method) && context.Request.Headers.Origin is { Count: > 0 } origins)
        {
            string origin = origins.ToString();
            string own = $"{context.Request.Scheme}://{context.Request.Host}";
            if (!string.Equals(origin, own, StringComparison.OrdinalIgnoreCase))
            {
                await Refuse(context, StatusCodes.Status403Forbidden, "Foreign origin",
                    $"a page at {origin} may not change this studio (only pages it serves itself, at {own})");
                return;
            }
        }
        await next();
    }

    private static bool ChangesState(string method) => !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method));

    private static Task Refuse(HttpContext context, int status, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(context);
}
