namespace Dcgan.Web.Tests;

// Which model a studio serves with no --checkpoint, and the studio drawing at bf16.

public class DefaultModelTests
{
    [Fact]
    public async Task Without_a_checkpoint_the_studio_serves_the_bundled_model_and_offers_it()
    {
        string runs = Path.Combine(Dcgan.Testing.TestTemp.NewFolder("api"), "runs");
        await using var app = StudioServer.Build(new StudioOptions { RunsDir = runs }, b => b.WebHost.UseTestServer());
        await app.StartAsync();
        var client = app.GetTestClient();
        string models = await client.GetStringAsync("/api/models");
        Assert.Contains("emoji-dcgan", models);
        var list = await client.GetFromJsonAsync<JsonElement>("/api/models");
        var image = await client.GetAsync($"/api/models/{list.GetProperty("models")[0].GetProperty("id").GetString()}/images/3.png");
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        var bytes = await image.Content.ReadAsByteArrayAsync();
        string cliOut = Path.Combine(runs, "..", "3.png");
        Directory.CreateDirectory(Path.GetDirectoryName(cliOut)!);
        Assert.Equal(0, DcganCli.Run(["sample", "--seed", "3", "--n", "1", "--nrow", "1", "--each", Path.GetDirectoryName(cliOut)!]));
        Assert.Equal(File.ReadAllBytes(cliOut), bytes);
    }

    [Fact]
    public async Task The_grey_fashion_model_draws_and_inverts_through_the_api_as_the_command_does()
    {
        string root = Dcgan.Testing.TestTemp.NewFolder("api");
        await using var app = StudioServer.Build(new StudioOptions { RunsDir = Path.Combine(root, "runs") }, b => b.WebHost.UseTestServer());
        await app.StartAsync();
        var client = app.GetTestClient();
        var models = (await client.GetFromJsonAsync<JsonElement>("/api/models")).GetProperty("models").EnumerateArray().ToList();
        var fashion = models.Single(m => m.GetProperty("label").GetString() == "bundled: fashion-mnist-dcgan");
        Assert.Equal(1, fashion.GetProperty("options").GetProperty("nc").GetInt32());
        string m = $"/api/models/{fashion.GetProperty("id").GetString()}";

        // One grey 32x32 image (R = G = B; every PNG goes out as RGB), the bytes `dcgan sample --checkpoint
        // fashion-mnist-dcgan` writes.
        byte[] drawn = await client.GetByteArrayAsync($"{m}/images/3.png");
        Assert.True(IsGrey(drawn, 32));
        string dir = Path.Combine(root, "cli");
        Directory.CreateDirectory(dir);
        Assert.Equal(0, DcganCli.Run(["sample", "--checkpoint", "fashion-mnist-dcgan", "--seed", "3", "--n", "1", "--each", dir]));
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "3.png")), drawn);

        // A colour upload (an emoji of the other bundled model) is read as the model's grey input and inverted.
        byte[] colour = await client.GetByteArrayAsync($"/api/models/{models[0].GetProperty("id").GetString()}/images/5.png");
        Assert.False(IsGrey(colour, 64));
        var answer = await InvertUpload.Post(client, $"{m}/invert?steps=40&restarts=1", colour, "emoji.png");
        Assert.Equal(100, answer.GetProperty("latent").GetArrayLength());
        byte[] reconstruction = await client.GetByteArrayAsync(answer.GetProperty("reconstruction").GetString()!);
        Assert.True(IsGrey(reconstruction, 32));
    }

    private static bool IsGrey(byte[] png, int size)
    {
        using var bitmap = SkiaSharp.SKBitmap.Decode(png);
        Assert.Equal((size, size), (bitmap.Width, bitmap.Height));
        return bitmap.Pixels.All(p => p.Red == p.Green && p.Green == p.Blue);
    }

    [Fact]
    public async Task A_bundled_model_named_at_start_is_labelled_by_its_name_and_a_damaged_one_is_refused_not_replaced()
    {
        string root = Dcgan.Testing.TestTemp.NewFolder("api");
        string runs = Path.Combine(root, "runs");
        await using (var app = StudioServer.Build(new StudioOptions { RunsDir = runs, Checkpoint = "emoji-dcgan" },
                         b => b.WebHost.UseTestServer()))
        {
            await app.StartAsync();
            var first = (await app.GetTestClient().GetFromJsonAsync<JsonElement>("/api/models")).GetProperty("models")[0];
            Assert.Equal("bundled: emoji-dcgan", first.GetProperty("label").GetString());
        }

        // A damaged file named at start stops the studio with the reason; it is not silently replaced by the bundled model.
        string damaged = Path.Combine(root, "cut.pth");
        Directory.CreateDirectory(root);
        File.WriteAllBytes(damaged, File.ReadAllBytes(Dcgan.Generation.ModelLoader.BundledModelPath)[..100_000]);
        File.SetLastWriteTimeUtc(damaged, DateTime.UtcNow.AddMinutes(-1));
        var error = Assert.Throws<InvalidDataException>(() =>
            StudioServer.Build(new StudioOptions { RunsDir = runs, Checkpoint = damaged }, b => b.WebHost.UseTestServer()));
        Assert.Contains($"--checkpoint {damaged} does not read back as a model", error.Message);
    }
}

/// <summary>Posts a PNG to an invert URL as the page does (multipart field "image") and returns the 200 answer.</summary>
internal static class InvertUpload
{
    public static async Task<JsonElement> Post(HttpClient client, string url, byte[] png, string fileName)
    {
        var file = new ByteArrayContent(png);
        file.Headers.ContentType = new("image/png");
        var response = await client.PostAsync(url, new MultipartFormDataContent { { file, "image", fileName } });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}

public class Bf16StudioTests
{
    [Fact]
    public async Task At_bf16_the_studio_the_command_and_the_library_draw_the_same_bytes()
    {
        string root = Dcgan.Testing.TestTemp.NewFolder("api");
        // The bundled tutorial-size model, where bf16 kernels differ most from fp32; a wide window so the requests batch.
        await using var app = StudioServer.Build(new StudioOptions
        {
            RunsDir = Path.Combine(root, "runs"), Precision = Models.Precision.Bf16, BatchWindow = TimeSpan.FromMilliseconds(50),
        }, b => b.WebHost.UseTestServer());
        await app.StartAsync();
        var client = app.GetTestClient();
        var list = await client.GetFromJsonAsync<JsonElement>("/api/models");
        string id = list.GetProperty("models")[0].GetProperty("id").GetString()!;
        var seeds = Enumerable.Range(20, 12).Select(s => (long)s).ToList();
        var served = await Task.WhenAll(seeds.Select(s => client.GetByteArrayAsync($"/api/models/{id}/images/{s}.png")));

        string dir = Path.Combine(root, "cli");
        Assert.Equal(0, DcganCli.Run(["sample", "--precision", "bf16", "--seed", "20", "--n", "12", "--each", dir]));
        using var bf16 = Generation.LoadedModel.Open(Generation.ModelLoader.BundledModelPath, precision: Models.Precision.Bf16);
        using var fp32 = Generation.LoadedModel.Open(Generation.ModelLoader.BundledModelPath);
        var library = bf16.Sampler.RenderSeeds(seeds);
        var exact = fp32.Sampler.RenderSeeds(seeds);
        for (int i = 0; i < seeds.Count; i++)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir, $"{seeds[i]}.png")), served[i]);
            Assert.Equal(Imaging.Png.Encode(library[i]), served[i]);
        }
        // bf16 really ran (some pixels move), and it draws the same pictures (no pixel moves far).
        var differences = library.Zip(exact).SelectMany(pair => pair.First.Pixels.Zip(pair.Second.Pixels, (a, b) => Math.Abs(a - b))).ToList();
        Assert.True(differences.Any(d => d > 0), "bf16 and fp32 gave identical pixels: bf16 did not run");
        Assert.True(differences.Average() < 2, $"bf16 moved pixels by {differences.Average():F2} levels on average");
    }
}
