namespace Dcgan.Web.Tests;

// The studio as a process: the load test's client, `dcgan serve`'s start-up checks, the hosts it answers, its shutdown.

public class LoadTestTests
{
    [Theory]
    [InlineData("http://10.0.0.1:5000")]
    [InlineData("http://example.com")]
    public async Task A_load_test_only_ever_targets_loopback(string url)
    {
        var e = await Assert.ThrowsAsync<InputException>(() => LoadTest.RunAsync(new LoadTestOptions(url, 1, 1)));
        Assert.Contains("must be a loopback address", e.Message);
    }

    [Fact]
    public async Task A_soak_fits_edits_and_deletes_vectors_without_failures_and_samples_the_memory_curve()
    {
        string root = Dcgan.Testing.TestTemp.NewFolder("soak");
        var app = StudioServer.Build(new StudioOptions
        {
            Checkpoint = Path.Combine(AppContext.BaseDirectory, "Fixtures", "netG.pth"), RunsDir = Path.Combine(root, "runs"),
            Urls = "http://127.0.0.1:0",
        });
        await app.StartAsync();
        try
        {
            var report = await LoadTest.RunAsync(new LoadTestOptions(app.Urls.First(), 400, 4, Mix: LoadMix.Soak));
            Assert.Equal(400, report.Requests);
            Assert.Equal(0, report.Failures);
            Assert.True(report.Curve.Count >= 20, $"the curve has {report.Curve.Count} points");
            Assert.Equal(400, report.Curve[^1].Requests);
            // Fits recompute the same 8 names: the listing never holds more, however long the soak runs.
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            var models = await client.GetFromJsonAsync<JsonElement>("/api/models");
            string id = models.GetProperty("models")[0].GetProperty("id").GetString()!;
            var vectors = await client.GetFromJsonAsync<JsonElement>($"/api/models/{id}/vectors");
            Assert.InRange(vectors.GetArrayLength(), 1, 8);
        }
        finally { await app.DisposeAsync(); }
    }

    [Fact]
    public async Task A_load_test_of_a_malformed_address_says_so()
    {
        var e = await Assert.ThrowsAsync<InputException>(() => LoadTest.RunAsync(new LoadTestOptions("garbage", 1, 1)));
        Assert.Equal("--url: 'garbage' is not a studio's address; give one such as http://127.0.0.1:5000", e.Message);
    }
}

public class ServeCommandTests
{
    private static async Task<(int Code, string Err)> Serve(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var err = new StringWriter();
        Console.SetOut(TextWriter.Null); Console.SetError(err);
        try
        {
            // A serve that started would run until stopped: these must all end at start.
            int code = await Task.Run(() => DcganCli.Run(["serve", .. args])).WaitAsync(TimeSpan.FromSeconds(60));
            return (code, err.ToString());
        }
        finally { Console.SetOut(oldOut); Console.SetError(oldErr); }
    }

    [Theory]
    [InlineData("--urls garbage", "--urls: 'garbage' is not an address to listen on")]
    [InlineData("--device cuda", "CUDA is not available")]
    [InlineData("--precision half", "--precision: 'half' is not a precision")]
    public async Task Bad_settings_stop_the_studio_at_start_with_one_line(string flags, string expected)
    {
        var (code, err) = await Serve(flags.Split(' '));
        Assert.Equal(2, code);
        Assert.Contains(expected, err);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_port_in_use_is_one_line_not_a_stack_trace()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var (code, err) = await Serve("--urls", $"http://127.0.0.1:{port}");
        Assert.NotEqual(0, code);
        Assert.Contains($"127.0.0.1:{port}", err);
        Assert.Single(err.Trim().Split('\n'));
    }
}

public class AllowedHostsTests
{
    [Fact]
    public async Task Hosts_given_at_start_or_in_the_urls_are_answered_and_others_are_not()
    {
        string root = Dcgan.Testing.TestTemp.NewFolder("api");
        await using var app = StudioServer.Build(new StudioOptions
        {
            RunsDir = Path.Combine(root, "runs"), AllowedHosts = ["studio.lan"], Urls = "http://192.168.7.7:5000",
        }, b => b.WebHost.UseTestServer());
        await app.StartAsync();
        var client = app.GetTestClient();
        async Task<HttpStatusCode> Get(string host) =>
            (await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/status") { Headers = { Host = host } })).StatusCode;
        Assert.Equal(HttpStatusCode.OK, await Get("studio.lan"));
        Assert.Equal(HttpStatusCode.OK, await Get("192.168.7.7:5000"));
        Assert.Equal(HttpStatusCode.OK, await Get("127.0.0.1:5000"));
        Assert.Equal(HttpStatusCode.BadRequest, await Get("other.lan"));
        Assert.False(LocalRequestGuard.ListensOnLoopbackOnly("http://192.168.7.7:5000"));
        Assert.False(LocalRequestGuard.ListensOnLoopbackOnly("http://0.0.0.0:5000"));
        Assert.True(LocalRequestGuard.ListensOnLoopbackOnly("http://127.0.0.1:5000;http://[::1]:5000;http://localhost:5001"));
    }
}

public class ShutdownTests
{
    [Fact]
    public async Task Sigterm_closes_the_studio_within_seconds_with_an_inversion_running_and_a_half_sent_header()
    {
        int port;
        using (var free = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0)) { free.Start(); port = ((IPEndPoint)free.LocalEndpoint).Port; }
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "dcgan.dll"), "serve", "--urls", $"http://127.0.0.1:{port}" })
            start.ArgumentList.Add(arg);
        using var process = System.Diagnostics.Process.Start(start)!;
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
            var ready = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                try { if ((await client.GetAsync("/api/status")).IsSuccessStatusCode) break; } catch (HttpRequestException) { }
                Assert.True(ready.Elapsed < TimeSpan.FromSeconds(60), "the studio did not start");
                await Task.Delay(200);
            }
            string id = (await client.GetFromJsonAsync<JsonElement>("/api/models")).GetProperty("models")[0].GetProperty("id").GetString()!;
            // A client that sent half a header, and a long inversion (2,000 steps x 16 starts: about a minute and a half).
            using var slow = new System.Net.Sockets.TcpClient();
            await slow.ConnectAsync(IPAddress.Loopback, port);
            await slow.GetStream().WriteAsync("GET /api/status HTTP/1.1\r\nHost: 127"u8.ToArray());
            var image = await client.GetByteArrayAsync($"/api/models/{id}/images/3.png");
            var form = new MultipartFormDataContent { { new ByteArrayContent(image), "image", "3.png" } };
            var inversion = client.PostAsync($"/api/models/{id}/invert?steps=2000&restarts=16", form);
            await Task.Delay(3000); // under way

            var clock = System.Diagnostics.Stopwatch.StartNew();
            System.Diagnostics.Process.Start("kill", ["-TERM", process.Id.ToString()])!.WaitForExit();
            Assert.True(process.WaitForExit(15_000), "the studio was still running 15 s after SIGTERM");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the studio took {clock.Elapsed.TotalSeconds:F1} s to close");
            // The inversion's client hears that the studio is going (or sees the connection close), not silence.
            try { Assert.Equal(HttpStatusCode.ServiceUnavailable, (await inversion.WaitAsync(TimeSpan.FromSeconds(10))).StatusCode); }
            catch (HttpRequestException) { }
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
    }
}
