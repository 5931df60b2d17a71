using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Dcgan.Web;

/// <summary>
/// What a load test asks for: only single images by random seed; a mix with grids and interpolation strips; or a soak,
/// which also fits, edits with and deletes vectors (what grows a long-running studio's memory if anything does).
/// </summary>
internal enum LoadMix { Single, Mixed, Soak }

internal sealed record LoadTestOptions(string Url = "http://127.0.0.1:5000", int Requests = 10_000, int Concurrency = 8,
    int TimeLimitSeconds = 900, long Seed = 0, LoadMix Mix = LoadMix.Mixed, string? Model = null);

internal sealed record LoadTestReport(int Requests, int Failures, int Images, double Seconds, double P50Ms, double P90Ms, double P99Ms,
    double MaxMs, long WorkingSetBefore, long WorkingSetAfterTenth, long WorkingSetAfter, IReadOnlyList<(int Requests, long WorkingSet)> Curve)
{
    /// <summary>The working set sampled through the run, as "requests: MB" pairs.</summary>
    public string CurveText => string.Join(", ", Curve.Select(p => $"{p.Requests}: {p.WorkingSet / 1048576} MB"));

    public double RequestsPerSecond => Requests / Seconds;
    public double ImagesPerSecond => Images / Seconds;

    public override string ToString() =>
        $"{Requests} requests ({Failures} failed) in {Seconds:F1} s: {RequestsPerSecond:F1} requests/s, {ImagesPerSecond:F1} images/s; " +
        $"latency p50 {P50Ms:F1} ms, p90 {P90Ms:F1} ms, p99 {P99Ms:F1} ms, max {MaxMs:F0} ms; " +
        $"server working set {WorkingSetBefore / 1048576} MB before, {WorkingSetAfterTenth / 1048576} MB after the first tenth, " +
        $"{WorkingSetAfter / 1048576} MB after";
}

/// <summary>
/// `dcgan loadtest`: a bounded run of PNG requests against a running studio, with latency percentiles, images drawn
/// per second and the server's memory before, after the first tenth, and at the end. Mixed: 80 % single images by
/// random seed, 10 % 16-image grids, 10 % 4-image interpolation strips. Seeds are random, so nothing is served from
/// the browser-style caches. Only loopback addresses are accepted: a load test never leaves this machine.
/// </summary>
internal static class LoadTest
{
    public static async Task<LoadTestReport> RunAsync(LoadTestOptions o, Action<string>? log = null)
    {
        if (!Uri.TryCreate(o.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new InputException("--url", InputProblem.Invalid, $": '{o.Url}' is not a studio's address; give one such as http://127.0.0.1:5000");
        if (!uri.IsLoopback) throw new InputException("--url", InputProblem.Invalid, $"must be a loopback address (127.0.0.1, localhost, [::1]); got {uri.Host}");
        if (o.Requests is < 1 or > 1_000_000) throw new InputException("--requests", InputProblem.Invalid, $"must be between 1 and 1000000");
        if (o.Concurrency is < 1 or > 256) throw new InputException("--concurrency", InputProblem.Invalid, $"must be between 1 and 256");
        using var client = new HttpClient { BaseAddress = uri, Timeout = TimeSpan.FromSeconds(60) };
        var before = await Status(client);
        string model = $"/api/models/{o.Model ?? await DefaultModel(client)}";
        int nz = (await client.GetFromJsonAsync<JsonElement>(model)).GetProperty("options").GetProperty("nz").GetInt32();
        var latencies = new double[o.Requests];
        int next = -1, failures = 0, images = 0;
        long tenthMemory = 0;
        var curve = new List<(int, long)> { (0, before.WorkingSetBytes) };
        int sampleEvery = Math.Max(1, o.Requests / 20);
        var fitted = new FittedVectors();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(o.TimeLimitSeconds));
        var clock = Stopwatch.StartNew();
        async Task Worker()
        {
            while (!limit.IsCancellationRequested)
            {
                int i = Interlocked.Increment(ref next);
                if (i >= o.Requests) return;
                var random = new Random(HashCode.Combine(o.Seed, i));
                var (request, count) = Pick(o.Mix, random, model, nz, fitted);
                var watch = Stopwatch.StartNew();
                try
                {
                    using var sent = request;
                    using var response = await client.SendAsync(sent, limit.Token);
                    var body = await response.Content.ReadAsByteArrayAsync(limit.Token);
                    if (response.IsSuccessStatusCode)
                    {
                        Interlocked.Add(ref images, count);
                        if (sent.Method == HttpMethod.Post)
                        {
                            using var made = JsonDocument.Parse(body);
                            // A fit answers the vector's summary; an upload answers { vector, warning }.
                            var vector = made.RootElement.TryGetProperty("vector", out var uploaded) ? uploaded : made.RootElement;
                            fitted.Fitted(vector.GetProperty("name").GetString()!, vector.GetProperty("version").GetString()!);
                        }
                    }
                    // The soak deletes names while others edit with them: a name found missing is part of the mix, not a failure.
                    else if (!(o.Mix == LoadMix.Soak && response.StatusCode == System.Net.HttpStatusCode.NotFound))
                        Interlocked.Increment(ref failures);
                }
                catch (Exception) when (!limit.IsCancellationRequested) { Interlocked.Increment(ref failures); }
                latencies[i] = watch.Elapsed.TotalMilliseconds;
                if (i == o.Requests / 10) tenthMemory = (await Status(client)).WorkingSetBytes;
                if (i > 0 && i % sampleEvery == 0)
                {
                    long memory = (await Status(client)).WorkingSetBytes;
                    lock (curve) curve.Add((i, memory));
                }
                if (i % 1000 == 0) log?.Invoke($"{i} requests sent");
            }
        }
        await Task.WhenAll(Enumerable.Range(0, o.Concurrency).Select(_ => Task.Run(Worker)));
        double seconds = clock.Elapsed.TotalSeconds;
        int done = Math.Min(o.Requests, next);
        var sorted = latencies.Take(done).Order().ToArray();
        double P(double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
        var after = await Status(client);
        curve.Add((done, after.WorkingSetBytes));
        return new LoadTestReport(done, failures, images, seconds, P(0.5), P(0.9), P(0.99), sorted.LastOrDefault(),
            before.WorkingSetBytes, tenthMemory, after.WorkingSetBytes, curve.OrderBy(p => p.Item1).ToList());
    }

    /// <summary>Names the soak recomputes over and over: each fit makes a new version of one of them.</summary>
    private const int SoakNames = 8;

    /// <summary>The soak's vectors by name, each with its newest version fitted (edits pin it, as the page does).</summary>
    private sealed class FittedVectors
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> versions = new();
        public void Fitted(string name, string version) => versions[name] = version;
        public string? Version(string name) => versions.GetValueOrDefault(name);
    }

    private static (HttpRequestMessage Request, int Images) Pick(LoadMix mix, Random random, string model, int nz, FittedVectors fitted)
    {
        long seed = random.NextInt64(0, long.MaxValue - 16);
        int kind = mix == LoadMix.Single ? 0 : random.Next(mix == LoadMix.Soak ? 20 : 10);
        HttpRequestMessage Get(string path) => new(HttpMethod.Get, path);
        if (mix != LoadMix.Soak || kind < 10)
            return kind < 8 ? (Get($"{model}/images/{seed}.png"), 1)
                : kind == 8 ? (Get($"{model}/grid.png?seed={seed}&n=16&nrow=4"), 16)
                : (Get($"{model}/interpolate.png?from={seed}&to={seed + 1}&steps=4"), 4);
        string name = $"soak-{random.Next(SoakNames)}";
        switch (kind)
        {
            case 14: // a vector file uploaded under one of the names (a JSON of nz random values)
                var values = Enumerable.Range(0, nz).Select(_ => Math.Round(random.NextDouble() * 2 - 1, 4)).ToArray();
                return (new HttpRequestMessage(HttpMethod.Post, $"{model}/vectors/upload?name={name}&force=1")
                {
                    Content = JsonContent.Create(new { name, nz, vector = values }),
                }, 0);
            case < 15: // a new version of a name, from 4 random labels a side
                var seeds = Enumerable.Range(0, 8).Select(_ => random.NextInt64(0, 1L << 40)).ToList();
                return (new HttpRequestMessage(HttpMethod.Post, $"{model}/vectors")
                {
                    Content = JsonContent.Create(new { name, method = "mean-diff", with = seeds[..4], without = seeds[4..] }),
                }, 0);
            case < 19: // an edit pinned to the newest version fitted (or the name's current vector)
                string reference = fitted.Version(name) is { } version ? $"{name}@{version}" : name;
                return (Get($"{model}/edit.png?seed={seed}&v={Uri.EscapeDataString(reference)}:{random.Next(-3, 4)}"), 1);
            default:
                return (new HttpRequestMessage(HttpMethod.Delete, $"{model}/vectors/{name}"), 0);
        }
    }

    private static async Task<string> DefaultModel(HttpClient client)
    {
        var list = await client.GetFromJsonAsync<JsonElement>("/api/models");
        return list.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("id").GetString()).FirstOrDefault()
            ?? throw new InvalidDataException("the server offers no model");
    }

    private static async Task<Dcgan.Web.Endpoints.StudioEndpoints.ServerStatus> Status(HttpClient client) =>
        await client.GetFromJsonAsync<Dcgan.Web.Endpoints.StudioEndpoints.ServerStatus>("/api/status")
            ?? throw new InvalidDataException("the server gave no status");
}
