using System.Diagnostics;
using System.Net.Http.Json;

namespace Dcgan.Web;

public sealed record LoadTestOptions(string Url = "http://127.0.0.1:5000", int Requests = 10_000, int Concurrency = 8, int TimeLimitSeconds = 900, long Seed = 0);

public sealed record LoadTestReport(int Requests, int Failures, double Seconds, double RequestsPerSecond, double P50Ms, double P90Ms, double P99Ms, double MaxMs,
    long WorkingSetBefore, long WorkingSetAfterTenth, long WorkingSetAfter)
{
    public override string ToString() =>
        $"{Requests} requests ({Failures} failed) in {Seconds:F0} s: {RequestsPerSecond:F1}/s; latency p50 {P50Ms:F1} ms, p90 {P90Ms:F1} ms, p99 {P99Ms:F1} ms, max {MaxMs:F0} ms; " +
        $"server working set {WorkingSetBefore / 1048576} MB before, {WorkingSetAfterTenth / 1048576} MB after the first tenth, {WorkingSetAfter / 1048576} MB after";
}

/// <summary>
/// `dcgan loadtest`: a bounded mix of PNG requests against a running studio (80 % single images by random seed,
/// 10 % 16-image grids, 10 % interpolation strips), with latency percentiles and the server's memory before, after
/// the first tenth, and at the end. Only loopback addresses are accepted: a load test never leaves this machine.
/// </summary>
public static class LoadTest
{
    public static async Task<LoadTestReport> RunAsync(LoadTestOptions o, Action<string>? log = null)
    {
        var uri = new Uri(o.Url);
        if (!uri.IsLoopback) throw new ArgumentException($"--url must be a loopback address (127.0.0.1, localhost, [::1]); got {uri.Host}");
        if (o.Requests is < 1 or > 1_000_000) throw new ArgumentException("--requests must be between 1 and 1000000");
        if (o.Concurrency is < 1 or > 256) throw new ArgumentException("--concurrency must be between 1 and 256");
        using var client = new HttpClient { BaseAddress = uri, Timeout = TimeSpan.FromSeconds(60) };
        var before = await Status(client);
        var latencies = new double[o.Requests];
        int next = -1, failures = 0;
        long tenthMemory = 0;
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(o.TimeLimitSeconds));
        var clock = Stopwatch.StartNew();
        async Task Worker()
        {
            while (!limit.IsCancellationRequested)
            {
                int i = Interlocked.Increment(ref next);
                if (i >= o.Requests) return;
                var random = new Random(HashCode.Combine(o.Seed, i));
                int kind = random.Next(10);
                long seed = random.Next(0, 1_000_000);
                string path = kind < 8 ? $"/api/images/{seed}.png"
                    : kind == 8 ? $"/api/grid.png?seed={seed}&n=16&nrow=4"
                    : $"/api/interpolate.png?from={seed}&to={seed + 1}&steps=4";
                var watch = Stopwatch.StartNew();
                try
                {
                    using var response = await client.GetAsync(path, limit.Token);
                    await response.Content.ReadAsByteArrayAsync(limit.Token);
                    if (!response.IsSuccessStatusCode) Interlocked.Increment(ref failures);
                }
                catch (Exception) when (!limit.IsCancellationRequested) { Interlocked.Increment(ref failures); }
                latencies[i] = watch.Elapsed.TotalMilliseconds;
                if (i == o.Requests / 10) tenthMemory = (await Status(client)).WorkingSetBytes;
                if (i % 1000 == 0) log?.Invoke($"{i} requests sent");
            }
        }
        await Task.WhenAll(Enumerable.Range(0, o.Concurrency).Select(_ => Task.Run(Worker)));
        double seconds = clock.Elapsed.TotalSeconds;
        int done = Math.Min(o.Requests, next);
        var sorted = latencies.Take(done).Order().ToArray();
        double P(double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
        var after = await Status(client);
        return new LoadTestReport(done, failures, seconds, done / seconds, P(0.5), P(0.9), P(0.99), sorted.LastOrDefault(),
            before.WorkingSetBytes, tenthMemory, after.WorkingSetBytes);
    }

    private static async Task<StudioServer.ServerStatus> Status(HttpClient client) =>
        await client.GetFromJsonAsync<StudioServer.ServerStatus>("/api/status") ?? throw new InvalidDataException("the server gave no status");
}
