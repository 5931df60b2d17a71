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
        Assert.Equal(0, Cli("sample", "--checkpoint", studio.Model, "--seed", "7", "--n", "3", "--each", dir,
            "--out", Path.Combine(dir, "grid.png"), "--nrow", "2"));
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "7.png")), await Png($"{studio.M}/images/7.png"));
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "9.png")), await Png($"{studio.M}/images/9.png"));
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "grid.png")), await Png($"{studio.M}/grid.png?seed=7&n=3&nrow=2"));
    }

    [Fact]
    public async Task Arithmetic_strip_and_interpolation_figures_are_the_commands_bytes()
    {
        string dir = Path.Combine(studio.Root, "figures-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        Assert.Equal(0, Cli("arithmetic", "--checkpoint", studio.Model, "--a", "1,2", "--b", "3", "--c", "4,5",
            "--out", Path.Combine(dir, "arith.png")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "arith.png")), await Png($"{studio.M}/arithmetic.png?a=1,2&b=3&c=4,5"));
        Assert.Equal(0, Cli("interpolate", "--checkpoint", studio.Model, "--from", "1", "--to", "2", "--steps", "5", "--mode", "lerp",
            "--out", Path.Combine(dir, "walk.png")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "walk.png")),
            await Png($"{studio.M}/interpolate.png?from=1&to=2&steps=5&mode=lerp"));
        var created = await Client.PostAsJsonAsync($"{studio.M}/vectors",
            new { name = "stripped", with = new[] { 1, 2, 3 }, without = new[] { 4, 5, 6 } });
        string vector = Path.Combine(dir, "v.json");
        File.WriteAllBytes(vector, await Client.GetByteArrayAsync($"{studio.M}/vectors/stripped"));
        Assert.Equal(0, Cli("attribute", "apply", "--checkpoint", studio.Model, "--vector", vector, "--seed", "20", "--n", "2",
            "--strengths", "-1,0,2", "--out", Path.Combine(dir, "strip.png")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "strip.png")),
            await Png($"{studio.M}/strip.png?seeds=20,21&vector=stripped&strengths=-1,0,2"));
        await Client.DeleteAsync($"{studio.M}/vectors/stripped");
        _ = created;
    }

    [Theory]
    [InlineData("~/images/abc.png", "seed: 'abc' is not an integer")]
    [InlineData("~/images/-3.png", "seed: -3 is out of range")]
    [InlineData("~/grid.png?n=300", "n: 300 is out of range (1 to 256)")]
    [InlineData("~/grid.png?nrow=x", "nrow: 'x' is not an integer")]
    [InlineData("~/interpolate.png?from=1&to=2&mode=cubic", "mode must be one of slerp, lerp (got 'cubic')")]
    [InlineData("~/interpolate.png?from=1&to=2&t=1.5", "t: 1.5 is out of range")]
    [InlineData("~/arithmetic.png?a=1&b=2&c=x", "c: 'x' is not a seed")]
    [InlineData("~/edit.png?seed=1&v=nothing", "v: 'nothing' must be NAME@VERSION:STRENGTH")]
    [InlineData("/api/runs/..%2F..%2Fetc/metrics", "run: '..%2F..%2Fetc' starts with a dot")]
    [InlineData("/api/runs/tiny/events?after=soon", "after: 'soon' is not an integer")]
    public async Task Bad_input_is_a_400_problem_naming_the_parameter(string url, string expected)
    {
        Assert.Contains(expected, (await Problem(url.Replace("~", studio.M), HttpStatusCode.BadRequest)).GetString());
    }

    [Fact]
    public async Task Unknown_names_are_404_problems()
    {
        Assert.Contains("no vector named 'ghost'",
            (await Problem($"{studio.M}/edit.png?seed=1&v=ghost:1", HttpStatusCode.NotFound)).GetString());
        Assert.Contains("no run named 'ghost'", (await Problem("/api/runs/ghost/metrics", HttpStatusCode.NotFound)).GetString());
        Assert.Contains("no sample 'x.png'", (await Problem("/api/runs/tiny/samples/x.png", HttpStatusCode.NotFound)).GetString());
    }

    [Fact]
    public async Task The_model_downloads_as_a_web_page_with_its_vectors()
    {
        var created = await Client.PostAsJsonAsync($"{studio.M}/vectors",
            new { name = "for-page", method = "mean-diff", with = new[] { 1, 2, 3 }, without = new[] { 4, 5, 6 } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        try
        {
            var response = await Client.GetAsync($"{studio.M}/web-page.zip");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
            using var zip = new System.IO.Compression.ZipArchive(await response.Content.ReadAsStreamAsync());
            // One folder named after the model holds everything, so unzipping does not spill files.
            Assert.Equal("attachment; filename=netG-web-page.zip", response.Content.Headers.ContentDisposition?.ToString().Split(';').Take(2)
                .Aggregate((a, b) => a + ";" + b));
            var paths = zip.Entries.Select(e => e.FullName.Replace('\\', '/')).ToList();
            Assert.All(paths, p => Assert.StartsWith("netG-web-page/", p));
            var names = paths.Select(p => p["netG-web-page/".Length..]).ToHashSet();
            foreach (string file in new[] { "index.html", "page.js", "torch-random.js", "model.onnx", "model.json", "ort/ort-wasm-simd-threaded.wasm" })
                Assert.Contains(file, names);
            using var description = JsonDocument.Parse(zip.GetEntry("netG-web-page/model.json")!.Open());
            var vectors = description.RootElement.GetProperty("vectors").EnumerateArray().Select(v => v.GetProperty("name").GetString()).ToList();
            Assert.Contains("for-page", vectors);
            Assert.Equal(8, description.RootElement.GetProperty("nz").GetInt32());
            Assert.InRange(description.RootElement.GetProperty("check").GetProperty("maxLevelDifference").GetInt32(), 0, 1);
        }
        finally { await Client.DeleteAsync($"{studio.M}/vectors/for-page"); }
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/api/models/0123456789abcdef/web-page.zip")).StatusCode);
    }

    [Fact]
    public async Task Vectors_are_created_from_labels_listed_fetched_applied_and_deleted()
    {
        var created = await Client.PostAsJsonAsync($"{studio.M}/vectors",
            new { name = "bright", method = "mean-diff", with = new[] { 1, 2, 3 }, without = new[] { 4, 5, 6 } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var summary = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("mean-diff", summary.GetProperty("method").GetString());
        Assert.True(summary.GetProperty("norm").GetDouble() > 0);
        // 3 + 3 labels are too few to hold any out (2 per side per fold): the fit on the training labels, said so.
        Assert.False(summary.GetProperty("validation").GetProperty("heldOut").GetBoolean());
        Assert.Equal(1, summary.GetProperty("validation").GetProperty("folds").GetInt32());

        var list = await Client.GetFromJsonAsync<JsonElement>($"{studio.M}/vectors");
        Assert.Contains(list.EnumerateArray(), v => v.GetProperty("name").GetString() == "bright");

        // The downloaded file is the command's format, and the same labels through the command give the same vector.
        string file = Path.Combine(studio.Root, $"bright-{Guid.NewGuid():N}.json");
        File.WriteAllBytes(file, await Client.GetByteArrayAsync($"{studio.M}/vectors/bright"));
        string cliFile = Path.Combine(studio.Root, $"bright-cli-{Guid.NewGuid():N}.json");
        Assert.Equal(0, Cli("attribute", "fit", "--checkpoint", studio.Model, "--with", "1,2,3", "--without", "4,5,6", "--name", "bright",
            "--out", cliFile));
        Assert.Equal(AttributeVector.Load(cliFile).Vector, AttributeVector.Load(file).Vector);

        var original = await Png($"{studio.M}/images/11.png");
        Assert.Equal(original, await Png($"{studio.M}/edit.png?seed=11&v=bright:0"));
        // Conditioned on itself nothing is left to move along: refused by name rather than answered with the unedited image.
        Assert.Contains("the conditions span the edited vector itself",
            (await Problem($"{studio.M}/edit.png?seed=11&v=bright:2.5&condition=bright", HttpStatusCode.BadRequest)).GetString());
        var strip = await Png($"{studio.M}/strip.png?seeds=11&vector=bright&strengths=0");
        Assert.Equal(original, strip);
        Assert.NotEqual(original, await Png($"{studio.M}/edit.png?seed=11&v=bright:2.5"));
        Assert.Contains("out of range",
            (await Problem($"{studio.M}/edit.png?seed=11&v=bright:1000", HttpStatusCode.BadRequest)).GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"{studio.M}/vectors/bright")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"{studio.M}/vectors/bright")).StatusCode);
    }

    [Fact]
    public async Task Bad_vector_requests_name_the_problem()
    {
        var tooFew = await Client.PostAsJsonAsync($"{studio.M}/vectors", new { name = "x", with = new[] { 1 }, without = new[] { 2, 3 } });
        Assert.Equal(HttpStatusCode.BadRequest, tooFew.StatusCode);
        Assert.Contains("at least 2 images with", await tooFew.Content.ReadAsStringAsync());
        var badName = await Client.PostAsJsonAsync($"{studio.M}/vectors",
            new { name = "../evil", with = new[] { 1, 2 }, without = new[] { 3, 4 } });
        Assert.Contains("name: '../evil' is not a valid name", await badName.Content.ReadAsStringAsync());
        var badMethod = await Client.PostAsJsonAsync($"{studio.M}/vectors",
            new { name = "x", method = "magic", with = new[] { 1, 2 }, without = new[] { 3, 4 } });
        Assert.Contains("method must be one of", await badMethod.Content.ReadAsStringAsync());
        var huge = new ByteArrayContent(new byte[2 << 20]);
        huge.Headers.ContentType = new("application/json");
        var tooLarge = await Client.PostAsync($"{studio.M}/vectors/upload", huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        // In the words the image upload uses, from the limits the page reads.
        Assert.Contains("vector file: the file is 2 MB; at most 1 MB", await tooLarge.Content.ReadAsStringAsync());
        var limits = await Client.GetFromJsonAsync<JsonElement>("/api/limits");
        Assert.Equal(1 << 20, limits.GetProperty("vectorFileBytes").GetInt64());
        Assert.Equal(10 << 20, limits.GetProperty("imageFileBytes").GetInt64());
        Assert.Equal(Endpoints.ImageEndpoints.MaxExemplars, limits.GetProperty("exemplarSeeds").GetInt32());
        Assert.Equal(Path.GetFileName(studio.RunsDir), Path.GetFileName(limits.GetProperty("runsFolder").GetString()));
        // A picture given as a vector is named as one.
        var picture = new ByteArrayContent(await Png($"{studio.M}/images/1.png"));
        string refused = await (await Client.PostAsync($"{studio.M}/vectors/upload", picture)).Content.ReadAsStringAsync();
        Assert.Contains("is an image (PNG), not a vector file", refused);
    }

    [Theory]
    [InlineData("seedsWith")]
    [InlineData("seedsWithout")]
    [InlineData("modelHash")]
    public async Task A_vector_file_with_a_describing_field_set_to_null_still_loads(string field)
    {
        var vector = new AttributeVector
        {
            Name = $"null-{field}", Nz = 8, ModelHash = "0123456789abcdef", Vector = Enumerable.Repeat(0.2f, 8).ToArray(),
        };
        var json = System.Text.Json.Nodes.JsonNode.Parse(DcganJson.Serialize(vector))!.AsObject();
        StringContent Body() => new(json.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        json[field] = null;
        var response = await Client.PostAsync($"{studio.M}/vectors/upload?force=1", Body());
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.NotEqual(await Png($"{studio.M}/images/2.png"), await Png($"{studio.M}/edit.png?seed=2&v=null-{field}@{vector.Version}:1"));
        await Client.DeleteAsync($"{studio.M}/vectors/null-{field}");

        // All zeros moves nothing: refused, not listed.
        json["vector"] = new System.Text.Json.Nodes.JsonArray(
            Enumerable.Range(0, 8).Select(_ => (System.Text.Json.Nodes.JsonNode?)System.Text.Json.Nodes.JsonValue.Create(0f)).ToArray());
        var zeros = await Client.PostAsync($"{studio.M}/vectors/upload?force=1", Body());
        Assert.Equal(HttpStatusCode.BadRequest, zeros.StatusCode);
        Assert.Contains("all zeros", await zeros.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Uploaded_vectors_of_another_model_need_force()
    {
        var vector = new AttributeVector
        {
            Name = "foreign", Nz = 8, ModelHash = "0123456789abcdef", Vector = Enumerable.Repeat(0.2f, 8).ToArray()
        };
        string json = DcganJson.Serialize(vector);
        var refused = await Client.PostAsync($"{studio.M}/vectors/upload",
            new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("\"code\":\"other-model\"", await refused.Content.ReadAsStringAsync()); // the page offers "Load it anyway"
        var forced = await Client.PostAsync($"{studio.M}/vectors/upload?force=1",
            new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, forced.StatusCode);
        Assert.Contains("warning: vector 'foreign'", await forced.Content.ReadAsStringAsync());
        await Client.DeleteAsync($"{studio.M}/vectors/foreign");
    }

    [Fact]
    public async Task Other_sites_cannot_drive_the_studio_through_a_browser()
    {
        // DNS rebinding: a page whose name resolves to 127.0.0.1 still sends its own name as Host.
        var rebound = new HttpRequestMessage(HttpMethod.Get, "/api/models") { Headers = { Host = "attacker.example:5401" } };
        var refused = await Client.SendAsync(rebound);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("--allowed-hosts attacker.example", await refused.Content.ReadAsStringAsync());

        // CSRF: a simple text/plain POST from another origin (no preflight) would have added a vector.
        string json = DcganJson.Serialize(new AttributeVector
        {
            Name = "planted", Nz = 8, ModelHash = "0123456789abcdef", Vector = Enumerable.Repeat(0.2f, 8).ToArray()
        });
        var csrf = new HttpRequestMessage(HttpMethod.Post, $"{studio.M}/vectors/upload?force=1")
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "text/plain"), Headers = { { "Origin", "http://evil.example" } },
        };
        var forbidden = await Client.SendAsync(csrf);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Contains("a page at http://evil.example may not change this studio", await forbidden.Content.ReadAsStringAsync());
        Assert.DoesNotContain("planted", await Client.GetStringAsync($"{studio.M}/vectors"));
        var nullOrigin = new HttpRequestMessage(HttpMethod.Delete, $"{studio.M}/vectors/anything") { Headers = { { "Origin", "null" } } };
        Assert.Equal(HttpStatusCode.Forbidden, (await Client.SendAsync(nullOrigin)).StatusCode);

        // The studio's own page (same origin), a program without Origin, and reads from anywhere still work.
        var own = new HttpRequestMessage(HttpMethod.Post, $"{studio.M}/vectors/upload?force=1")
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Headers = { { "Origin", "http://localhost" } },
        };
        Assert.Equal(HttpStatusCode.OK, (await Client.SendAsync(own)).StatusCode);
        await Client.DeleteAsync($"{studio.M}/vectors/planted");
        var read = new HttpRequestMessage(HttpMethod.Get, $"{studio.M}/images/3.png") { Headers = { { "Origin", "http://evil.example" } } };
        Assert.Equal(HttpStatusCode.OK, (await Client.SendAsync(read)).StatusCode);
    }

    [Fact]
    public async Task A_vector_saved_by_torch_uploads_and_edits_like_the_same_values_in_json()
    {
        float[] values = Enumerable.Range(0, 8).Select(i => (i - 3.5f) / 4).ToArray();
        var torchFile = new MemoryStream();
        Interop.TorchTensorFile.WriteVector(torchFile, values); // the bytes torch.load reads (checked against PyTorch in TorchVectorTests)
        var upload = await Client.PostAsync($"{studio.M}/vectors/upload?name=v_A", new ByteArrayContent(torchFile.ToArray()));
        string answer = await upload.Content.ReadAsStringAsync();
        Assert.True(upload.StatusCode == HttpStatusCode.OK, answer);
        using var uploaded = JsonDocument.Parse(answer);
        Assert.Equal("v_A", uploaded.RootElement.GetProperty("vector").GetProperty("name").GetString());
        Assert.Equal("imported", uploaded.RootElement.GetProperty("vector").GetProperty("method").GetString());
        Assert.Contains("does not say which model", uploaded.RootElement.GetProperty("warning").GetString());

        var asJson = new AttributeVector { Name = "v_json", Nz = 8, ModelHash = "0123456789abcdef", Vector = values };
        var json = await Client.PostAsync($"{studio.M}/vectors/upload?force=1",
            new StringContent(DcganJson.Serialize(asJson), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        string version = asJson.Version;
        Assert.Equal(await Png($"{studio.M}/edit.png?seed=5&v=v_json@{version}:1.5"),
            await Png($"{studio.M}/edit.png?seed=5&v=v_A@{version}:1.5"));
        Assert.NotEqual(await Png($"{studio.M}/images/5.png"), await Png($"{studio.M}/edit.png?seed=5&v=v_A@{version}:1.5"));

        var matrix = new MemoryStream();
        Interop.TorchTensorFile.WriteVector(matrix, Enumerable.Repeat(0.1f, 9).ToArray());
        var wrongNz = await Client.PostAsync($"{studio.M}/vectors/upload?name=wide", new ByteArrayContent(matrix.ToArray()));
        Assert.Equal(HttpStatusCode.BadRequest, wrongNz.StatusCode);
        Assert.Contains("nz = 9, the model has nz = 8", await wrongNz.Content.ReadAsStringAsync());
        await Client.DeleteAsync($"{studio.M}/vectors/v_A");
        await Client.DeleteAsync($"{studio.M}/vectors/v_json");
    }

    private static (int Width, int Height) Size(byte[] png)
    {
        using var bitmap = SkiaSharp.SKBitmap.Decode(png);
        return (bitmap.Width, bitmap.Height);
    }

    [Fact]
    public async Task Interpolation_arithmetic_and_directions_answer()
    {
        // The page's figures are the commands' figures, byte for byte.
        string strip = Path.Combine(studio.Root, $"{Guid.NewGuid():N}-strip.png");
        string arithmetic = Path.Combine(studio.Root, $"{Guid.NewGuid():N}-arith.png");
        Assert.Equal(0, Cli("interpolate", "--checkpoint", studio.Model, "--from", "1", "--to", "2", "--steps", "4", "--out", strip));
        Assert.Equal(File.ReadAllBytes(strip), await Png($"{studio.M}/interpolate.png?from=1&to=2&steps=4"));
        Assert.Equal(await Png($"{studio.M}/images/1.png"), await Png($"{studio.M}/interpolate.png?from=1&to=2&t=0"));
        Assert.Equal(0, Cli("arithmetic", "--checkpoint", studio.Model, "--a", "1,2", "--b", "3", "--c", "4,5", "--out", arithmetic));
        Assert.Equal(File.ReadAllBytes(arithmetic), await Png($"{studio.M}/arithmetic.png?a=1,2&b=3&c=4,5"));
        var directions = await Client.PostAsJsonAsync($"{studio.M}/vectors/directions", new { method = "sefa", k = 3 });
        var made = await directions.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, made.GetArrayLength());
        Assert.Equal("sefa-00", made[0].GetProperty("name").GetString());
        // Asked again, the same directions come from what was made (not found again): the same versions, made at the same time.
        var again = await (await Client.PostAsJsonAsync($"{studio.M}/vectors/directions", new { method = "sefa", k = 3 }))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(made.EnumerateArray().Select(v => (v.GetProperty("version").GetString(), v.GetProperty("created").GetString())),
            again.EnumerateArray().Select(v => (v.GetProperty("version").GetString(), v.GetProperty("created").GetString())));
        var edited = await Png($"{studio.M}/edit.png?seed=3&v=sefa-01:1.5");
        Assert.Equal(Size(await Png($"{studio.M}/images/3.png")), Size(edited));
        Assert.NotEqual(await Png($"{studio.M}/images/3.png"), edited);      // the direction moved the image
        Assert.Equal(await Png($"{studio.M}/images/3.png"), await Png($"{studio.M}/edit.png?seed=3&v=sefa-01:0"));
    }

    [Fact]
    public async Task Models_runs_and_openapi_are_described()
    {
        var models = (await Client.GetFromJsonAsync<JsonElement>("/api/models")).GetProperty("models").EnumerateArray().ToList();
        // The named checkpoint first (the default), then the bundled models (emoji first) and the run's newest checkpoint,
        // each by id.
        var bundled = Dcgan.Generation.ModelLoader.BundledModels();
        Assert.Equal(2 + bundled.Count, models.Count);
        Assert.Equal(studio.ModelId, models[0].GetProperty("id").GetString());
        Assert.Equal(8, models[0].GetProperty("options").GetProperty("nz").GetInt32());
        Assert.Equal("bce", models[0].GetProperty("options").GetProperty("loss").GetString());
        Assert.Equal(["checkpoint", .. bundled.Select(_ => "bundled"), "run"], models.Select(m => m.GetProperty("source").GetString()));
        Assert.Equal(bundled.Select(m => "bundled: " + m.Name), models.Skip(1).SkipLast(1).Select(m => m.GetProperty("label").GetString()));
        Assert.Equal("bundled: emoji-dcgan", models[1].GetProperty("label").GetString());
        Assert.Contains("tiny", models[^1].GetProperty("label").GetString());
        Assert.All(models, m => Assert.Matches("^[0-9a-f]{16}$", m.GetProperty("id").GetString()));
        Assert.Contains("not a model id", (await Problem("/api/models/..%2Fetc/images/1.png", HttpStatusCode.BadRequest)).GetString());
        Assert.Contains("no model with id",
            (await Problem("/api/models/0123456789abcdef/images/1.png", HttpStatusCode.NotFound)).GetString());

        var runs = await Client.GetFromJsonAsync<JsonElement>("/api/runs");
        var tiny = runs.EnumerateArray().Single(r => r.GetProperty("name").GetString() == "tiny");
        Assert.Equal("finished", tiny.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal(0, tiny.GetProperty("warnings").GetArrayLength());
        var metrics = await Client.GetFromJsonAsync<JsonElement>("/api/runs/tiny/metrics");
        Assert.Equal(2, metrics.GetArrayLength());
        // The run's files as written: the fixed-noise grid of 4 images of 32 px (one row, as make_grid puts 8 in a row;
        // 2 px borders) and the curves.
        Assert.Equal(File.ReadAllBytes(Path.Combine(studio.RunsDir, "tiny", "samples", "step-0000002.png")),
            await Png("/api/runs/tiny/samples/step-0000002.png"));
        Assert.Equal((4 * 34 + 2, 36), Size(await Png("/api/runs/tiny/samples/step-0000002.png")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(studio.RunsDir, "tiny", "losses.png")), await Png("/api/runs/tiny/losses.png"));

        var openapi = await Client.GetStringAsync("/openapi/v1.json");
        foreach (var path in new[] { "/api/models/{id}/images/{seed}.png", "/api/models/{id}/grid.png", "/api/models/{id}/edit.png",
                     "/api/models/{id}/vectors", "/api/runs" })
            Assert.Contains(path, openapi);
        // Every group is tagged, and the runs' listing has a schema (a record, not an anonymous object).
        using var document = JsonDocument.Parse(openapi);
        var tags = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => o.Value.GetProperty("tags")[0].GetString())).ToHashSet();
        Assert.Equal(["Images", "Inversion", "Models", "Runs", "Studio", "Vectors"], tags.Order());
        Assert.True(document.RootElement.GetProperty("components").GetProperty("schemas").TryGetProperty("RunSummary", out _),
            "no RunSummary schema in the OpenAPI document");
        Assert.Contains("<title>DCGAN Studio</title>", await Client.GetStringAsync("/"));
    }

    [Fact]
    public async Task Two_models_are_drawn_side_by_side_by_id()
    {
        var models = (await Client.GetFromJsonAsync<JsonElement>("/api/models")).GetProperty("models").EnumerateArray().ToList();
        string bundled = models.First(m => m.GetProperty("source").GetString() == "bundled").GetProperty("id").GetString()!;
        string dir = Path.Combine(studio.Root, "both-" + Guid.NewGuid().ToString("N"));
        Assert.Equal(0, Cli("sample", "--seed", "4", "--n", "1", "--each", dir));
        Assert.Equal(0, Cli("sample", "--checkpoint", studio.Model, "--seed", "4", "--n", "1", "--each", Path.Combine(dir, "fixture")));
        // Interleaved requests for two models: each answer is its own model's, with nothing selected on the server.
        var answers = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(i => Png($"/api/models/{(i % 2 == 0 ? bundled : studio.ModelId)}/images/4.png")));
        for (int i = 0; i < answers.Length; i++)
            Assert.Equal(File.ReadAllBytes(Path.Combine(i % 2 == 0 ? dir : Path.Combine(dir, "fixture"), "4.png")), answers[i]);
    }

    [Fact]
    public async Task The_model_list_follows_the_runs_folder()
    {
        var before = (await Client.GetFromJsonAsync<JsonElement>("/api/models")).GetProperty("models").GetArrayLength();
        // A run that writes its first checkpoint while the server runs: the next listing offers it, by id, and it draws.
        string name = "later-" + Guid.NewGuid().ToString("N")[..8];
        new Dcgan.Training.Trainer(new Dcgan.Training.TrainingOptions
        {
            Data = Path.Combine(studio.Root, "images"), OutDir = Path.Combine(studio.RunsDir, name), BatchSize = 2, MaxSteps = 2, Seed = 5,
            CheckpointEvery = 1,
            FixedNoiseCount = 4, CacheDir = Path.Combine(studio.Root, "cache"),
            Model = new Dcgan.Models.ModelOptions { Nz = 8, Ngf = 4, Ndf = 4, ImageSize = 32 },
        }).Run(resume: false);
        var models = (await Client.GetFromJsonAsync<JsonElement>("/api/models")).GetProperty("models").EnumerateArray().ToList();
        Assert.Equal(before + 1, models.Count);
        var added = models.Single(m => m.GetProperty("label").GetString()!.Contains(name));
        Assert.Equal("run", added.GetProperty("source").GetString());
        // It draws with the new run's own weights: the seed's image differs from the fixture model's.
        var drawn = await Png($"/api/models/{added.GetProperty("id").GetString()}/images/3.png");
        Assert.Equal((32, 32), Size(drawn));
        Assert.NotEqual(await Png($"{studio.M}/images/3.png"), drawn);
        Assert.Contains("step-0000002", added.GetProperty("label").GetString());

        // Its newest checkpoint damaged (cut short, as by a full disk): the run is offered at the one before, not dropped.
        string newest = Path.Combine(studio.RunsDir, name, "checkpoints", "step-0000002.ckpt");
        byte[] whole = File.ReadAllBytes(newest);
        File.WriteAllBytes(newest, whole[..4096]);
        var listing = await Client.GetFromJsonAsync<JsonElement>("/api/models");
        var after = listing.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("label").GetString()!.Contains(name));
        Assert.Contains("step-0000001", after.GetProperty("label").GetString());
        // ... and the listing says which file was left out and why.
        var leftOut = listing.GetProperty("leftOut").EnumerateArray().Single(m => m.GetProperty("label").GetString()!.Contains(name));
        Assert.Equal(newest, leftOut.GetProperty("path").GetString());
        Assert.Contains("step-0000002", leftOut.GetProperty("label").GetString());
        string reason = leftOut.GetProperty("reason").GetString()!;
        Assert.Contains("step-0000002.ckpt", reason);
        // Mended (a new version of the file), it is offered again and no longer left out.
        File.WriteAllBytes(newest, whole);
        listing = await Client.GetFromJsonAsync<JsonElement>("/api/models");
        Assert.Contains("step-0000002", listing.GetProperty("models").EnumerateArray()
            .Single(m => m.GetProperty("label").GetString()!.Contains(name)).GetProperty("label").GetString());
        Assert.DoesNotContain(listing.GetProperty("leftOut").EnumerateArray(), m => m.GetProperty("label").GetString()!.Contains(name));
        Directory.Delete(Path.Combine(studio.RunsDir, name), recursive: true);
    }

    [Fact]
    public async Task Uploaded_vectors_with_missing_parts_are_400s_not_500s()
    {
        foreach (var (json, expected) in new[]
        {
            ("{\"name\": \"a\", \"nz\": 8, \"vector\": null}", "has 0 values"),
            ("{\"name\": null, \"nz\": 8, \"vector\": [1,2,3,4,5,6,7,8]}", "is not a valid name"),
            ("{\"name\": \"a\", \"vector\": [1,2,3]}", "gives no nz"),
            ("{\"name\": \"a\", \"nz\": \"eight\"}", "'nz' holds the wrong kind of value"),
        })
        {
            var response = await Client.PostAsync($"{studio.M}/vectors/upload",
                new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(expected, await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Pinned_images_are_immutable_with_etags_and_304s()
    {
        string url = $"{studio.M}/images/42.png";
        var first = await Client.GetAsync(url);
        Assert.Equal("public, max-age=31536000, immutable", first.Headers.CacheControl?.ToString());
        var tag = first.Headers.ETag;
        Assert.NotNull(tag);
        Assert.False(tag!.IsWeak);
        var again = new HttpRequestMessage(HttpMethod.Get, url);
        again.Headers.IfNoneMatch.Add(tag);
        var revalidated = await Client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        Assert.Empty(await revalidated.Content.ReadAsByteArrayAsync());
        Assert.NotEqual(tag, (await Client.GetAsync($"{studio.M}/images/43.png")).Headers.ETag);
        var stale = new HttpRequestMessage(HttpMethod.Get, url);
        stale.Headers.IfNoneMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"0000\""));
        Assert.Equal(HttpStatusCode.OK, (await Client.SendAsync(stale)).StatusCode);
    }

    [Fact]
    public async Task A_recomputed_vector_gets_a_new_version_and_old_urls_keep_their_pixels()
    {
        async Task<JsonElement> Fit(int[] with, int[] without) =>
            await (await Client.PostAsJsonAsync($"{studio.M}/vectors", new { name = "mood", with, without }))
                .Content.ReadFromJsonAsync<JsonElement>();
        var v1 = await Fit([1, 2, 3], [4, 5, 6]);
        string url1 = $"{studio.M}/edit.png?seed=9&v=mood@{v1.GetProperty("version").GetString()}:2";
        var before = await Client.GetAsync(url1);
        Assert.Equal("public, max-age=31536000, immutable", before.Headers.CacheControl?.ToString());
        var pixels1 = await before.Content.ReadAsByteArrayAsync();

        var v2 = await Fit([4, 5, 6], [1, 2, 3]);
        Assert.NotEqual(v1.GetProperty("version").GetString(), v2.GetProperty("version").GetString());
        string url2 = $"{studio.M}/edit.png?seed=9&v=mood@{v2.GetProperty("version").GetString()}:2";
        var pixels2 = await Png(url2);
        Assert.NotEqual(pixels1, pixels2);
        Assert.Equal(pixels1, await Png(url1)); // the old URL still means the old vector
        // By name alone: the name's current vector, revalidated each time instead of cached.
        var byName = await Client.GetAsync($"{studio.M}/edit.png?seed=9&v=mood:2");
        Assert.Equal("no-cache", byName.Headers.CacheControl?.ToString());
        Assert.Equal(pixels2, await byName.Content.ReadAsByteArrayAsync());
        Assert.Contains("no vector 'mood@000000000000'",
            (await Problem($"{studio.M}/edit.png?seed=9&v=mood@000000000000:1", HttpStatusCode.NotFound)).GetString());
        await Client.DeleteAsync($"{studio.M}/vectors/mood");
    }

    [Fact]
    public async Task Malformed_json_bodies_are_400_problems()
    {
        var response = await Client.PostAsync($"{studio.M}/vectors",
            new StringContent("{\"name\": \"x\", \"with\": [1,", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("body: not the JSON this endpoint takes", await response.Content.ReadAsStringAsync());
        var upload = await Client.PostAsync($"{studio.M}/vectors/upload",
            new StringContent("hello", System.Text.Encoding.UTF8, "application/json"));
        string text = await upload.Content.ReadAsStringAsync();
        Assert.Contains("the uploaded file is not a vector file", text);
        Assert.DoesNotContain("LineNumber", text);
        var unknown = await Client.GetAsync("/api/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_uploaded_image_inverts_and_its_latent_is_drawn_and_edited_by_url()
    {
        var png = await Png($"{studio.M}/images/5.png");
        var answer = await InvertUpload.Post(Client, $"{studio.M}/invert?steps=60&restarts=2", png, "five.png");
        Assert.Equal(60, answer.GetProperty("steps").GetInt32());
        Assert.True(answer.GetProperty("psnr").GetDouble() > 0);
        string z = answer.GetProperty("z").GetString()!;
        var latent = answer.GetProperty("latent").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(8, latent.Length);

        // The reconstruction URL draws that z: the bytes `dcgan sample --latents` writes for it.
        var reconstruction = await Png(answer.GetProperty("reconstruction").GetString()!);
        string dir = Path.Combine(studio.Root, "inverted-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        using (var t = TorchSharp.torch.tensor(latent).reshape(1, 8)) LatentFile.Write(Path.Combine(dir, "z.npy"), t);
        Assert.Equal(0, Cli("sample", "--checkpoint", studio.Model, "--latents", Path.Combine(dir, "z.npy"), "--each", dir));
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "latent-0000.png")), reconstruction);

        var vector = await (await Client.PostAsJsonAsync($"{studio.M}/vectors",
                new { name = "lift", with = new[] { 1, 2, 3 }, without = new[] { 4, 5, 6 } }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var edited = await Png($"{studio.M}/edit.png?z={z}&v=lift@{vector.GetProperty("version").GetString()}:3");
        Assert.NotEqual(reconstruction, edited);
        Assert.Contains("z: not a latent", (await Problem($"{studio.M}/edit.png?z=!!!", HttpStatusCode.BadRequest)).GetString());
        Assert.Contains("z: holds 2 values", (await Problem($"{studio.M}/edit.png?z=AAAAAAAAAAA", HttpStatusCode.BadRequest)).GetString());
        await Client.DeleteAsync($"{studio.M}/vectors/lift");
    }

    [Fact]
    public async Task Uploads_that_are_not_images_are_400_problems()
    {
        var text = new MultipartFormDataContent { { new StringContent("hello"), "image", "notes.png" } };
        Assert.Contains("not a decodable image", (await Problem($"{studio.M}/invert", HttpStatusCode.BadRequest, text)).GetString());
        var wrongField = new MultipartFormDataContent { { new ByteArrayContent([1, 2, 3]), "picture", "x.png" } };
        Assert.Contains("no file in a form field named 'image'",
            (await Problem($"{studio.M}/invert", HttpStatusCode.BadRequest, wrongField)).GetString());
        var notForm = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        Assert.Contains("multipart/form-data", (await Problem($"{studio.M}/invert", HttpStatusCode.BadRequest, notForm)).GetString());
        Assert.Contains("steps: 0 is out of range",
            (await Problem($"{studio.M}/invert?steps=0", HttpStatusCode.BadRequest, new MultipartFormDataContent())).GetString());
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
    public async Task The_run_stream_pushes_rows_written_after_it_connected_and_skips_partial_lines()
    {
        string run = Path.Combine(studio.RunsDir, "live-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(run);
        string metrics = Path.Combine(run, "metrics.csv");
        File.WriteAllText(metrics, Dcgan.Training.MetricsRow.Header + "\n0,0,1.5,0.7,0.5,0.4,0.3,10,1\n");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await Client.GetAsync($"/api/runs/{Path.GetFileName(run)}/events", HttpCompletionOption.ResponseHeadersRead,
            cancel.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        Assert.Equal("event: metrics", await reader.ReadLineAsync(cancel.Token));
        var first = await reader.ReadLineAsync(cancel.Token);
        Assert.StartsWith("data: {\"step\":0,", first);
        Assert.Contains("\"dgZ1\":", first); // the names the page reads
        // A row appended while the page watches, then a line cut short (a full disk): the row arrives, the fragment does not.
        File.AppendAllText(metrics, "1,0,1.25,0.8,0.5,0.4,0.3,10,2\n2,0,1.1");
        await reader.ReadLineAsync(cancel.Token); // the blank line ending the first event
        Assert.Equal("event: metrics", await reader.ReadLineAsync(cancel.Token));
        Assert.StartsWith("data: {\"step\":1,", await reader.ReadLineAsync(cancel.Token));
        var rows = await Client.GetFromJsonAsync<JsonElement>($"/api/runs/{Path.GetFileName(run)}/metrics");
        Assert.Equal(2, rows.GetArrayLength());
    }

    [Fact]
    public async Task Live_views_are_capped_and_released()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var open = new List<HttpResponseMessage>();
        for (int i = 0; i < RunFeeds.MaxViewers; i++)
            open.Add(await Client.GetAsync("/api/runs/tiny/events", HttpCompletionOption.ResponseHeadersRead, cancel.Token));
        Assert.All(open, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var refused = await Client.GetAsync("/api/runs/tiny/events", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("close a tab", await refused.Content.ReadAsStringAsync(cancel.Token));
        // The server still answers everything else meanwhile.
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync($"{studio.M}/images/1.png", cancel.Token)).StatusCode);
        foreach (var r in open) r.Dispose();
        for (int i = 0; i < 50 && (await Client.GetFromJsonAsync<Dcgan.Web.Endpoints.StudioEndpoints.ServerStatus>("/api/status"))!.LiveViewers > 0; i++)
            await Task.Delay(100);
        Assert.Equal(0, (await Client.GetFromJsonAsync<Dcgan.Web.Endpoints.StudioEndpoints.ServerStatus>("/api/status"))!.LiveViewers);
    }

    [Fact]
    public async Task Batched_answers_under_concurrency_are_the_commands_bytes()
    {
        // Requests of every kind at once: the batcher draws them together, and each answer is what the command writes alone.
        string dir = Path.Combine(studio.Root, "batched-" + Guid.NewGuid().ToString("N"));
        var seeds = Enumerable.Range(100, 24).ToList();
        Assert.Equal(0, Cli("sample", "--checkpoint", studio.Model, "--seed", "100", "--n", "24", "--each", dir));
        Assert.Equal(0, Cli("sample", "--checkpoint", studio.Model, "--seed", "100", "--n", "6", "--nrow", "3",
            "--out", Path.Combine(dir, "grid.png")));
        Assert.Equal(0, Cli("interpolate", "--checkpoint", studio.Model, "--from", "100", "--to", "101", "--steps", "4",
            "--out", Path.Combine(dir, "walk.png")));
        var before = await Client.GetFromJsonAsync<Dcgan.Web.Endpoints.StudioEndpoints.ServerStatus>("/api/status");
        var singles = seeds.Select(s => Client.GetByteArrayAsync($"{studio.M}/images/{s}.png")).ToList();
        var grid = Client.GetByteArrayAsync($"{studio.M}/grid.png?seed=100&n=6&nrow=3");
        var walk = Client.GetByteArrayAsync($"{studio.M}/interpolate.png?from=100&to=101&steps=4");
        await Task.WhenAll([.. singles, grid, walk]);
        for (int i = 0; i < seeds.Count; i++) Assert.Equal(File.ReadAllBytes(Path.Combine(dir, $"{seeds[i]}.png")), await singles[i]);
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "grid.png")), await grid);
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "walk.png")), await walk);
        var after = await Client.GetFromJsonAsync<Dcgan.Web.Endpoints.StudioEndpoints.ServerStatus>("/api/status");
        long passes = after!.ForwardPasses - before!.ForwardPasses, images = after.ImagesDrawn - before.ImagesDrawn;
        Assert.Equal(24 + 6 + 4, images);
        Assert.True(passes < 26, $"26 requests took {passes} forward passes: nothing was batched");
    }
}
