using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dcgan.Cli;
using Dcgan.Latent;
using Dcgan.Web;

namespace Dcgan.Web.Tests;

public class ApiTests(StudioFixture studio) : IClassFixture<StudioFixture>
{
    private HttpClient Client => studio.Client;

    private static int Cli(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        Console.SetOut(TextWriter.Null); Console.SetError(TextWriter.Null);
        try { return DcganCli.Run(args); }
        finally { Console.SetOut(oldOut); Console.SetError(oldErr); }
    }

    private async Task<JsonElement> Problem(string url, HttpStatusCode expected, HttpContent? body = null)
    {
        var response = body is null ? await Client.GetAsync(url) : await Client.PostAsync(url, body);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail");
    }

    private async Task<byte[]> Png(string url)
    {
        var response = await Client.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsByteArrayAsync();
    }

    [Fact]
    public async Task Image_and_grid_are_byte_for_byte_the_commands_files()
    {
        string dir = Path.Combine(studio.Root, "cli-" + Guid.NewGuid().ToString("N"));
        Assert.Equal(0, Cli("sample", "--checkpoint", studio.Model, "--seed", "7", "--n", "3", "--each", dir, "--out", Path.Combine(dir, "grid.png"), "--nrow", "2"));
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "7.png")), await Png("/api/images/7.png"));
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "9.png")), await Png("/api/images/9.png"));
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "grid.png")), await Png("/api/grid.png?seed=7&n=3&nrow=2"));
    }

    [Fact]
    public async Task Arithmetic_strip_and_interpolation_figures_are_the_commands_bytes()
    {
        string dir = Path.Combine(studio.Root, "figures-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        Assert.Equal(0, Cli("arithmetic", "--checkpoint", studio.Model, "--a", "1,2", "--b", "3", "--c", "4,5", "--out", Path.Combine(dir, "arith.png")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "arith.png")), await Png("/api/arithmetic.png?a=1,2&b=3&c=4,5"));
        Assert.Equal(0, Cli("interpolate", "--checkpoint", studio.Model, "--from", "1", "--to", "2", "--steps", "5", "--mode", "lerp", "--out", Path.Combine(dir, "walk.png")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "walk.png")), await Png("/api/interpolate.png?from=1&to=2&steps=5&mode=lerp"));
        var created = await Client.PostAsJsonAsync("/api/vectors", new { name = "stripped", with = new[] { 1, 2, 3 }, without = new[] { 4, 5, 6 } });
        string vector = Path.Combine(dir, "v.json");
        File.WriteAllBytes(vector, await Client.GetByteArrayAsync("/api/vectors/stripped"));
        Assert.Equal(0, Cli("attribute", "apply", "--checkpoint", studio.Model, "--vector", vector, "--seed", "20", "--n", "2", "--strengths", "-1,0,2", "--out", Path.Combine(dir, "strip.png")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "strip.png")), await Png("/api/strip.png?seeds=20,21&vector=stripped&strengths=-1,0,2"));
        await Client.DeleteAsync("/api/vectors/stripped");
        _ = created;
    }

    [Theory]
    [InlineData("/api/images/abc.png", "seed: 'abc' is not an integer")]
    [InlineData("/api/images/-3.png", "seed: -3 is out of range")]
    [InlineData("/api/grid.png?n=300", "n: 300 is out of range (1 to 256)")]
    [InlineData("/api/grid.png?nrow=x", "nrow: 'x' is not an integer")]
    [InlineData("/api/interpolate.png?from=1&to=2&mode=cubic", "mode: 'cubic' is neither slerp nor lerp")]
    [InlineData("/api/interpolate.png?from=1&to=2&t=1.5", "t: 1.5 is out of range")]
    [InlineData("/api/arithmetic.png?a=1&b=2&c=x", "c: 'x' is not a seed")]
    [InlineData("/api/edit.png?seed=1&v=nothing", "v: 'nothing' must be NAME:STRENGTH")]
    [InlineData("/api/runs/..%2F..%2Fetc/metrics", "is not a valid name (letters, digits")]
    [InlineData("/api/runs/tiny/events?after=soon", "after: 'soon' is not an integer")]
    public async Task Bad_input_is_a_400_problem_naming_the_parameter(string url, string expected)
    {
        Assert.Contains(expected, (await Problem(url, HttpStatusCode.BadRequest)).GetString());
    }

    [Fact]
    public async Task Unknown_names_are_404_problems()
    {
        Assert.Contains("no vector named 'ghost'", (await Problem("/api/edit.png?seed=1&v=ghost:1", HttpStatusCode.NotFound)).GetString());
        Assert.Contains("no run named 'ghost'", (await Problem("/api/runs/ghost/metrics", HttpStatusCode.NotFound)).GetString());
        Assert.Contains("no sample 'x.png'", (await Problem("/api/runs/tiny/samples/x.png", HttpStatusCode.NotFound)).GetString());
    }

    [Fact]
    public async Task Vectors_are_created_from_labels_listed_fetched_applied_and_deleted()
    {
        var created = await Client.PostAsJsonAsync("/api/vectors", new { name = "bright", method = "mean-diff", with = new[] { 1, 2, 3 }, without = new[] { 4, 5, 6 } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var summary = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("mean-diff", summary.GetProperty("method").GetString());
        Assert.True(summary.GetProperty("norm").GetDouble() > 0);
        Assert.True(summary.GetProperty("validation").GetProperty("heldOut").ValueKind is JsonValueKind.True or JsonValueKind.False);

        var list = await Client.GetFromJsonAsync<JsonElement>("/api/vectors");
        Assert.Contains(list.EnumerateArray(), v => v.GetProperty("name").GetString() == "bright");

        // The downloaded file is the command's format, and the same labels through the command give the same vector.
        string file = Path.Combine(studio.Root, $"bright-{Guid.NewGuid():N}.json");
        File.WriteAllBytes(file, await Client.GetByteArrayAsync("/api/vectors/bright"));
        string cliFile = Path.Combine(studio.Root, $"bright-cli-{Guid.NewGuid():N}.json");
        Assert.Equal(0, Cli("attribute", "fit", "--checkpoint", studio.Model, "--with", "1,2,3", "--without", "4,5,6", "--name", "bright", "--out", cliFile));
        Assert.Equal(AttributeVector.Load(cliFile).Vector, AttributeVector.Load(file).Vector);

        var original = await Png("/api/images/11.png");
        Assert.Equal(original, await Png("/api/edit.png?seed=11&v=bright:0"));
        Assert.Equal(original, await Png("/api/edit.png?seed=11&v=bright:2.5&condition=bright")); // conditioned on itself: nothing left to move
        var strip = await Png("/api/strip.png?seeds=11&vector=bright&strengths=0");
        Assert.Equal(original, strip);
        Assert.NotEqual(original, await Png("/api/edit.png?seed=11&v=bright:2.5"));
        Assert.Contains("out of range", (await Problem("/api/edit.png?seed=11&v=bright:1000", HttpStatusCode.BadRequest)).GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync("/api/vectors/bright")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/api/vectors/bright")).StatusCode);
    }

    [Fact]
    public async Task Bad_vector_requests_name_the_problem()
    {
        var tooFew = await Client.PostAsJsonAsync("/api/vectors", new { name = "x", with = new[] { 1 }, without = new[] { 2, 3 } });
        Assert.Equal(HttpStatusCode.BadRequest, tooFew.StatusCode);
        Assert.Contains("at least 2 images with", await tooFew.Content.ReadAsStringAsync());
        var badName = await Client.PostAsJsonAsync("/api/vectors", new { name = "../evil", with = new[] { 1, 2 }, without = new[] { 3, 4 } });
        Assert.Contains("name: '../evil' is not a valid name", await badName.Content.ReadAsStringAsync());
        var badMethod = await Client.PostAsJsonAsync("/api/vectors", new { name = "x", method = "magic", with = new[] { 1, 2 }, without = new[] { 3, 4 } });
        Assert.Contains("method must be one of", await badMethod.Content.ReadAsStringAsync());
        var huge = new ByteArrayContent(new byte[2 << 20]);
        huge.Headers.ContentType = new("application/json");
        var tooLarge = await Client.PostAsync("/api/vectors/upload", huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
    }

    [Fact]
    public async Task Uploaded_vectors_of_another_model_need_force()
    {
        var vector = new AttributeVector { Name = "foreign", Nz = 8, ModelHash = "0123456789abcdef", Vector = Enumerable.Repeat(0.2f, 8).ToArray() };
        string json = Training.DcganJson.Serialize(vector);
        var refused = await Client.PostAsync("/api/vectors/upload", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("--force", await refused.Content.ReadAsStringAsync());
        var forced = await Client.PostAsync("/api/vectors/upload?force=1", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, forced.StatusCode);
        Assert.Contains("warning: vector 'foreign'", await forced.Content.ReadAsStringAsync());
        await Client.DeleteAsync("/api/vectors/foreign");
    }

    [Fact]
    public async Task Interpolation_arithmetic_and_directions_answer()
    {
        var strip = await Png("/api/interpolate.png?from=1&to=2&steps=4");
        Assert.Equal(await Png("/api/images/1.png"), await Png("/api/interpolate.png?from=1&to=2&t=0"));
        Assert.True(strip.Length > 0);
        Assert.True((await Png("/api/arithmetic.png?a=1,2&b=3&c=4,5")).Length > 0);
        var directions = await Client.PostAsJsonAsync("/api/vectors/directions", new { method = "sefa", k = 3 });
        var made = await directions.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, made.GetArrayLength());
        Assert.Equal("sefa-00", made[0].GetProperty("name").GetString());
        Assert.True((await Png("/api/edit.png?seed=3&v=sefa-01:1.5")).Length > 0);
    }

    [Fact]
    public async Task Models_runs_and_openapi_are_described()
    {
        var models = await Client.GetFromJsonAsync<JsonElement>("/api/models");
        Assert.Equal(8, models.GetProperty("current").GetProperty("options").GetProperty("nz").GetInt32());
        Assert.Equal("bce", models.GetProperty("current").GetProperty("options").GetProperty("loss").GetString());
        // The picker offers the bundled model, the served model and the run's newest checkpoint.
        var available = models.GetProperty("available").EnumerateArray().Select(e => e.ToString()).ToList();
        Assert.Equal(3, available.Count);
        Assert.Contains(available, m => m.Contains("emoji-dcgan"));
        Assert.Contains(available, m => m.Contains("tiny"));
        var outside = await Client.PostAsJsonAsync("/api/models/select", new { path = "/etc/passwd" });
        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);

        var runs = await Client.GetFromJsonAsync<JsonElement>("/api/runs");
        Assert.Contains(runs.EnumerateArray(), r => r.GetProperty("name").GetString() == "tiny");
        var metrics = await Client.GetFromJsonAsync<JsonElement>("/api/runs/tiny/metrics");
        Assert.Equal(2, metrics.GetArrayLength());
        Assert.True((await Png("/api/runs/tiny/samples/step-0000002.png")).Length > 0);
        Assert.True((await Png("/api/runs/tiny/losses.png")).Length > 0);

        var openapi = await Client.GetStringAsync("/openapi/v1.json");
        foreach (var path in new[] { "/api/images/{seed}.png", "/api/grid.png", "/api/edit.png", "/api/vectors", "/api/runs" }) Assert.Contains(path, openapi);
        Assert.Contains("<title>DCGAN Studio</title>", await Client.GetStringAsync("/"));
    }

    [Fact]
    public async Task Metrics_with_nan_values_are_served()
    {
        // WGAN-GP logs NaN for G on critic-only steps; JSON has no NaN, so it travels as the string "NaN".
        string run = Path.Combine(studio.RunsDir, "zz-critic");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "metrics.csv"), Dcgan.Training.MetricsRow.Header + "\n0,0,1.5,NaN,0.5,0.4,NaN,10,1\n");
        var json = await Client.GetStringAsync("/api/runs/zz-critic/metrics");
        Assert.Contains("\"lossG\":\"NaN\"", json);
        Assert.Contains("\"lossD\":1.5", json);
    }

    [Fact]
    public async Task The_run_stream_pushes_metrics_rows()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var response = await Client.GetAsync("/api/runs/tiny/events", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        Assert.Equal("event: metrics", await reader.ReadLineAsync(cancel.Token));
        var data = await reader.ReadLineAsync(cancel.Token);
        Assert.StartsWith("data: {\"step\":0,", data);
        Assert.Contains("\"lossD\":", data);
        Assert.Contains("\"dgZ1\":", data); // the names the page reads
    }

    [Fact]
    public async Task Many_requests_at_once_get_the_same_pixels_as_one_at_a_time()
    {
        var seeds = Enumerable.Range(100, 24).ToList();
        var sequential = new List<byte[]>();
        foreach (var s in seeds) sequential.Add(await Png($"/api/images/{s}.png"));
        var parallel = await Task.WhenAll(seeds.Select(s => Client.GetByteArrayAsync($"/api/images/{s}.png")));
        for (int i = 0; i < seeds.Count; i++) Assert.Equal(sequential[i], parallel[i]);
    }
}

public class LoadTestTests
{
    [Theory]
    [InlineData("http://10.0.0.1:5000")]
    [InlineData("http://example.com")]
    public async Task A_load_test_only_ever_targets_loopback(string url)
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => LoadTest.RunAsync(new LoadTestOptions(url, 1, 1)));
        Assert.Contains("must be a loopback address", e.Message);
    }
}

public class DefaultModelTests
{
    [Fact]
    public async Task Without_a_checkpoint_the_studio_serves_the_bundled_model_and_offers_it()
    {
        string runs = Path.Combine(Path.GetTempPath(), "dcgan-web-tests", Guid.NewGuid().ToString("N"), "runs");
        await using var app = StudioServer.Build(new StudioOptions { RunsDir = runs }, b => b.WebHost.UseTestServer());
        await app.StartAsync();
        var client = app.GetTestClient();
        string models = await client.GetStringAsync("/api/models");
        Assert.Contains("emoji-dcgan", models);
        var image = await client.GetAsync("/api/images/3.png");
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        var bytes = await image.Content.ReadAsByteArrayAsync();
        string cliOut = Path.Combine(runs, "..", "3.png");
        Directory.CreateDirectory(Path.GetDirectoryName(cliOut)!);
        Assert.Equal(0, DcganCli.Run(["sample", "--seed", "3", "--n", "1", "--nrow", "1", "--each", Path.GetDirectoryName(cliOut)!]));
        Assert.Equal(File.ReadAllBytes(cliOut), bytes);
    }
}
