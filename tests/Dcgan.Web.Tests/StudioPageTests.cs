using Dcgan.Training;
using Dcgan.Web;
using Microsoft.Playwright;

namespace Dcgan.Web.Tests;

/// <summary>
/// What a new user and a probe found in the page (issue 26), replayed in chromium: the training view names its runs'
/// states, click modes show where a seed went, labels survive a reload, the edit stays in view on a phone, directions
/// show what they change, uploads fail in one voice, small models' figures are enlarged pixel for pixel.
/// </summary>
public class StudioPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static Task WaitLoaded(IPage page, string selector) =>
        page.WaitForFunctionAsync($"() => {{ const i = document.querySelector('{selector}'); " +
            $"return i.complete && i.naturalWidth > 0 && !i.closest('.frame').classList.contains('empty'); }}");

    [Fact]
    public async Task A_run_that_is_training_is_picked_and_named_and_nothing_of_another_run_stays_on_screen()
    {
        // A runs folder of its own: the finished fixture run, and a second run training now with no checkpoint yet.
        string runs = Path.Combine(Dcgan.Testing.TestTemp.NewFolder("training-view"), "runs");
        string finished = Path.Combine(runs, "t1"), training = Path.Combine(runs, "t2");
        CopyFolder(Path.Combine(browser.Studio.RunsDir, "tiny"), finished);
        Directory.CreateDirectory(training);
        File.Copy(new RunLayout(finished).Metrics, new RunLayout(training).Metrics);
        File.WriteAllText(new RunLayout(training).Config, """{"totalSteps": 25}""");
        using var held = RunLock.Acquire(training);
        var app = StudioServer.Build(new StudioOptions { Checkpoint = browser.Studio.Model, RunsDir = runs, Urls = "http://127.0.0.1:0" });
        await app.StartAsync();
        try
        {
            var page = await browser.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1300, Height = 1200 } });
            await page.GotoAsync(app.Urls.First());
            await page.WaitForFunctionAsync("() => document.getElementById('run-state').textContent.length > 0");
            Assert.Equal(["t1 (finished)", "t2 (training)"], await page.Locator("#run option").AllTextContentsAsync());
            Assert.Equal("t2", await page.Locator("#run").InputValueAsync());
            string state = (await page.Locator("#run-state").TextContentAsync())!;
            Assert.Contains("training (no checkpoint yet", state);
            Assert.DoesNotContain("step 0", state);
            Assert.Equal("", await page.Locator("#run-sample-name").TextContentAsync());
            await page.Locator("#training").ScreenshotAsync(new() { Path = browser.Screenshot("training-view-1300.png") });

            // To the finished run and back: its grid's caption goes with it.
            await page.Locator("#run").SelectOptionAsync("t1");
            await page.WaitForFunctionAsync("() => document.getElementById('run-sample-name').textContent.startsWith('step-')");
            await page.Locator("#run").SelectOptionAsync("t2");
            await page.WaitForFunctionAsync("() => document.getElementById('run-sample-name').textContent === ''");
            Assert.True(await page.Locator("#run-sample").EvaluateAsync<bool>("i => i.closest('.frame').classList.contains('empty')"));

            // The run's model is offered as "latest", which follows the run, beside its exact checkpoint.
            var options = await page.Locator("#model option").AllTextContentsAsync();
            Assert.Contains(options, o => o.StartsWith("run t1 (latest: step-"));
            Assert.Contains(options, o => o.StartsWith("run t1: step-"));
            await page.Locator("#model").SelectOptionAsync("latest:t1");
            await page.WaitForFunctionAsync("() => document.querySelector('.tile img').complete");
            string latestId = (await page.Locator(".tile img").First.GetAttributeAsync("src"))!.Split('/')[3];
            var models = await new HttpClient().GetStringAsync(app.Urls.First() + "/api/models");
            Assert.Contains($"\"id\":\"{latestId}\",\"label\":\"run t1:", models);
        }
        finally { await app.DisposeAsync(); }
    }

    [Fact]
    public async Task Following_a_runs_latest_keeps_the_labels_the_edit_and_the_fitted_vectors_across_its_next_checkpoint()
    {
        string runs = Path.Combine(Dcgan.Testing.TestTemp.NewFolder("follow-latest"), "runs"), run = Path.Combine(runs, "t1");
        CopyFolder(Path.Combine(browser.Studio.RunsDir, "tiny"), run);
        var app = StudioServer.Build(new StudioOptions { Checkpoint = browser.Studio.Model, RunsDir = runs, Urls = "http://127.0.0.1:0" });
        await app.StartAsync();
        try
        {
            var page = await browser.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1300, Height = 1200 } });
            await page.GotoAsync(app.Urls.First());
            await page.Locator(".tile").Nth(23).WaitForAsync();
            await page.Locator("#model").SelectOptionAsync("latest:t1");
            await page.WaitForFunctionAsync("() => document.getElementById('vectors-empty').hidden === false");
            string before = (await page.Locator(".tile img").First.GetAttributeAsync("src"))!.Split('/')[3];
            foreach (int tile in new[] { 0, 1 }) await page.Locator(".tile .label").Nth(tile).ClickAsync();
            foreach (int tile in new[] { 2, 3 }) { await page.Locator(".tile .label").Nth(tile).ClickAsync(); await page.Locator(".tile .label").Nth(tile).ClickAsync(); }
            await page.Locator("#vector-name").FillAsync("pair");
            await page.Locator("#compute").ClickAsync();
            await page.Locator("#sliders input[data-vector='pair']").WaitForAsync();
            await page.Locator(".tile").Nth(5).Locator(".edit").ClickAsync();
            await page.Locator("#sliders input[data-vector='pair']").FillAsync("1");

            // The run saves a newer checkpoint (one more step); the page looks again when its tab comes back into focus.
            new Trainer(Trainer.OptionsForResume(run, null, 3)).Run(resume: true);
            await page.EvaluateAsync("() => window.dispatchEvent(new Event('focus'))");
            await page.WaitForFunctionAsync($"() => !document.querySelector('.tile img').src.includes('{before}')");
            await page.Locator("#sliders input[data-vector='pair']").WaitForAsync();
            Assert.Equal("2 with, 2 without", await page.Locator("#counts").TextContentAsync());
            Assert.Equal("seed 5", await page.Locator("#edit-seed").TextContentAsync());
            Assert.Equal("1", await page.Locator("#sliders input[data-vector='pair']").InputValueAsync());
            Assert.Contains("came along", await page.Locator("#model-note").TextContentAsync());
            await page.WaitForFunctionAsync($"() => document.getElementById('edited').src.includes('pair%40') && !document.getElementById('edited').src.includes('{before}')");
            Assert.Equal("latest:t1", await page.Locator("#model").InputValueAsync());

            // Coming back later, after yet another checkpoint: the pick, the labels and the vector are the run's, not a checkpoint's.
            new Trainer(Trainer.OptionsForResume(run, null, 4)).Run(resume: true);
            await page.ReloadAsync();
            await page.Locator("#sliders input[data-vector='pair']").WaitForAsync();
            Assert.Equal("latest:t1", await page.Locator("#model").InputValueAsync());
            Assert.Equal("2 with, 2 without", await page.Locator("#counts").TextContentAsync());
        }
        finally { await app.DisposeAsync(); }
    }

    [Fact]
    public async Task A_click_in_an_arithmetic_mode_shows_a_badge_and_a_count_and_the_lists_start_empty()
    {
        var page = await browser.OpenAsync(1300);
        foreach (string list in new[] { "a", "b", "c" }) Assert.Equal("", await page.Locator($"#arith-{list}").InputValueAsync());
        await page.Locator("#click-mode").SelectOptionAsync("a");
        await page.Locator(".tile .label").Nth(3).ClickAsync();
        await page.Locator(".tile .label").Nth(5).ClickAsync();
        Assert.Equal("3,5", await page.Locator("#arith-a").InputValueAsync());
        Assert.Equal("arith A", await page.Locator(".tile").Nth(3).Locator(".badges").TextContentAsync());
        Assert.Contains("arithmetic A holds 2 seeds", await page.Locator("#click-mode-note").TextContentAsync());
        Assert.Contains("used as arithmetic A", await page.Locator(".tile .label").Nth(5).GetAttributeAsync("aria-label"));
        // No label was given by those clicks; a second click takes the seed out again.
        Assert.Equal("0 with, 0 without", await page.Locator("#counts").TextContentAsync());
        await page.Locator(".tile .label").Nth(3).ClickAsync();
        Assert.Equal("5", await page.Locator("#arith-a").InputValueAsync());
        Assert.Equal("", await page.Locator(".tile").Nth(3).Locator(".badges").TextContentAsync());
        // A seed typed into a list gets its badge too.
        await page.Locator("#arith-c").FillAsync("7");
        Assert.Equal("arith C", await page.Locator(".tile").Nth(7).Locator(".badges").TextContentAsync());

        // The vector-name rule is the server's alone (the page only turns spaces into dashes): its refusal shows beside
        // Compute and marks the field.
        await page.Locator("#click-mode").SelectOptionAsync("label");
        foreach (int tile in new[] { 10, 11 }) await page.Locator(".tile .label").Nth(tile).ClickAsync();
        foreach (int tile in new[] { 12, 13 }) { await page.Locator(".tile .label").Nth(tile).ClickAsync(); await page.Locator(".tile .label").Nth(tile).ClickAsync(); }
        await page.Locator("#vector-name").FillAsync("../etc");
        await page.Locator("#compute").ClickAsync();
        await page.WaitForFunctionAsync("() => document.getElementById('compute-error').textContent.length > 0");
        Assert.Contains("'../etc' is not a valid name", await page.Locator("#compute-error").TextContentAsync());
        Assert.Equal("true", await page.Locator("#vector-name").GetAttributeAsync("aria-invalid"));
    }

    [Fact]
    public async Task Labels_survive_a_reload_and_E_on_a_tile_edits_it()
    {
        var page = await browser.OpenAsync(1300);
        await page.Locator(".tile .label").Nth(1).ClickAsync();
        await page.Locator(".tile .label").Nth(2).ClickAsync();
        await page.Locator(".tile .label").Nth(2).ClickAsync();
        await page.ReloadAsync();
        await page.Locator(".tile").Nth(23).WaitForAsync();
        Assert.Equal("1 with, 1 without", await page.Locator("#counts").TextContentAsync());
        Assert.Equal("✗", await page.Locator(".tile").Nth(2).Locator(".mark").TextContentAsync());
        // The edit caption has no dangling link before an image is picked.
        Assert.False(await page.Locator("#edited-caption").IsVisibleAsync());
        await page.Locator(".tile .label").Nth(4).FocusAsync();
        await page.Keyboard.PressAsync("e");
        Assert.Equal("seed 4", await page.Locator("#edit-seed").TextContentAsync());
        await WaitLoaded(page, "#edited");
        Assert.True(await page.Locator("#edited-caption").IsVisibleAsync());
    }

    [Fact]
    public async Task On_a_phone_your_image_its_nearest_match_and_its_edit_sit_side_by_side_in_one_row()
    {
        var page = await browser.OpenAsync(390, 844);
        string file = Path.Combine(browser.Studio.Root, "phone-picture.png");
        await File.WriteAllBytesAsync(file, await browser.Client.GetByteArrayAsync($"{browser.Studio.M}/images/7.png"));
        await page.Locator("#own-image").SetInputFilesAsync(file);
        await page.WaitForFunctionAsync("() => document.getElementById('invert-result').textContent.includes('PSNR')", null,
            new() { Timeout = 60_000 });
        await WaitLoaded(page, "#reconstruction");
        await WaitLoaded(page, "#edited");
        var boxes = new List<(string Image, Microsoft.Playwright.LocatorBoundingBoxResult Box)>();
        foreach (string image in new[] { "#original", "#reconstruction", "#edited" })
            boxes.Add((image, (await page.Locator(image).BoundingBoxAsync())!));
        string where = string.Join("; ", boxes.Select(b => $"{b.Image} x {b.Box.X:F0}..{b.Box.X + b.Box.Width:F0}, y {b.Box.Y:F0}"));
        Assert.All(boxes, b => Assert.True(Math.Abs(b.Box.Y - boxes[0].Box.Y) <= 1, $"not in one row: {where}"));
        Assert.All(boxes, b => Assert.True(b.Box.X >= 0 && b.Box.X + b.Box.Width <= 390, $"beyond the screen: {where}"));
        Assert.All(boxes, b => Assert.True(b.Box.Width >= 96 && Math.Abs(b.Box.Width - boxes[0].Box.Width) < 1, $"sizes differ: {where}"));
        await page.Locator("#edit").ScreenshotAsync(new() { Path = browser.Screenshot("phone-invert-390.png") });
    }

    [Fact]
    public async Task On_a_phone_the_picture_and_its_edit_stay_in_view_while_the_last_slider_moves_and_directions_show_a_strip()
    {
        // A small phone's screen (iPhone SE's height) and ten sliders: the last is far below the pictures.
        const int screen = 667;
        var page = await browser.OpenAsync(390, screen);
        await page.Locator("#sefa").ClickAsync();
        await page.Locator("#sliders input[data-vector='sefa-04']").WaitForAsync();
        await page.Locator("#pca").ClickAsync();
        await page.Locator("#sliders input[data-vector='pca-04']").WaitForAsync();
        // Each direction's row shows what it changes: seed 0 moved along it, drawn by the strip endpoint.
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#vectors .preview img')].length >= 5 && " +
            "[...document.querySelectorAll('#vectors .preview img')].every(i => i.complete && i.naturalWidth > 0)");
        var previews = await page.Locator("#vectors .preview img").EvaluateAllAsync<string[]>("images => images.map(i => i.getAttribute('src'))");
        Assert.Contains(previews, src => src.Contains("/strip.png?seeds=0&vector=sefa-00%40"));

        await page.Locator(".tile .edit").Nth(6).ClickAsync();
        var last = page.Locator("#sliders input[type=range]").Last;
        await last.ScrollIntoViewIfNeededAsync();
        await last.FillAsync("1");
        await page.WaitForFunctionAsync("() => document.getElementById('edited').src.includes('%3A1')");
        await WaitLoaded(page, "#edited");
        foreach (string image in new[] { "#original", "#edited" })
        {
            var box = (await page.Locator(image).BoundingBoxAsync())!;
            Assert.True(box.Y >= 0 && box.Y + box.Height <= screen, $"{image} is at y {box.Y}..{box.Y + box.Height}, outside the {screen} px screen");
        }
        var slider = (await last.BoundingBoxAsync())!;
        Assert.True(slider.Y >= 0 && slider.Y + slider.Height <= screen, $"the slider moved is at y {slider.Y}");
        await page.ScreenshotAsync(new() { Path = browser.Screenshot("phone-edit-390.png") });
        await page.SetViewportSizeAsync(1300, 900);
        await page.Locator("#vectors-section").ScreenshotAsync(new() { Path = browser.Screenshot("directions-1300.png") });
        foreach (string method in new[] { "sefa", "pca" })
            for (int i = 0; i < 5; i++) await browser.Client.DeleteAsync($"{browser.Studio.M}/vectors/{method}-{i:D2}");
    }

    [Fact]
    public async Task Uploads_refuse_a_picture_or_a_large_file_in_the_same_words_and_small_figures_are_enlarged()
    {
        var page = await browser.OpenAsync(1300);
        string picture = Path.Combine(browser.Studio.Root, "picture.png");
        await File.WriteAllBytesAsync(picture, await browser.Client.GetByteArrayAsync($"{browser.Studio.M}/images/3.png"));
        await page.Locator("#upload").SetInputFilesAsync(picture);
        await page.WaitForFunctionAsync("() => document.getElementById('vectors-error').textContent.length > 0");
        Assert.Contains("is an image (PNG), not a vector file", await page.Locator("#vectors-error").TextContentAsync());

        string large = Path.Combine(browser.Studio.Root, "large.json");
        await File.WriteAllBytesAsync(large, new byte[2 << 20]);
        await page.Locator("#upload").SetInputFilesAsync(large);
        await page.WaitForFunctionAsync("() => document.getElementById('vectors-error').textContent.includes('large.json')");
        Assert.Contains("is 2 MB; at most 1 MB", await page.Locator("#vectors-error").TextContentAsync());
        string bigImage = Path.Combine(browser.Studio.Root, "large.png");
        await File.WriteAllBytesAsync(bigImage, new byte[11 << 20]);
        await page.Locator("#own-image").SetInputFilesAsync(bigImage);
        Assert.Contains("is 11 MB; at most 10 MB", await page.Locator("#edit-error").TextContentAsync());

        // An image that does not decode, sent while a seed is being edited: the server's reason stays on screen after
        // the seed's picture comes back (it used to be cleared at once).
        await page.Locator(".tile .edit").Nth(4).ClickAsync();
        await WaitLoaded(page, "#original");
        string junk = Path.Combine(browser.Studio.Root, "junk.png");
        await File.WriteAllBytesAsync(junk, new byte[4096]);
        // What the page sent and heard, so that a timeout below says where the answer stopped (one CI run waited 90 s here).
        var exchange = new System.Collections.Concurrent.ConcurrentQueue<string>();
        page.Request += (_, r) => { if (r.Url.Contains("/invert")) exchange.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} sent {r.Method}"); };
        page.Response += (_, r) => { if (r.Url.Contains("/invert")) exchange.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} answered {r.Status}"); };
        page.RequestFailed += (_, r) => { if (r.Url.Contains("/invert")) exchange.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} failed {r.Failure}"); };
        await page.Locator("#own-image").SetInputFilesAsync(junk);
        // The image is refused before the inversion queue, so the answer does not wait for another page's inversion.
        try
        {
            await page.WaitForFunctionAsync("() => document.getElementById('edit-error').textContent.includes('junk.png')", null,
                new() { Timeout = 90_000 });
        }
        catch (TimeoutException)
        {
            string state = await page.EvaluateAsync<string>("() => JSON.stringify({ error: document.getElementById('edit-error').textContent, " +
                "seed: document.getElementById('edit-seed').textContent, busy: document.getElementById('invert-busy').textContent, " +
                "disabled: document.getElementById('own-image').disabled })");
            Assert.Fail($"no refusal of junk.png within 90 s (started {DateTime.UtcNow.AddSeconds(-90):HH:mm:ss}); page {state}; " +
                $"/invert: {string.Join("; ", exchange)}");
        }
        await WaitLoaded(page, "#original");
        await page.WaitForTimeoutAsync(300);
        Assert.Contains("junk.png", await page.Locator("#edit-error").TextContentAsync());
        Assert.Equal("seed 4", await page.Locator("#edit-seed").TextContentAsync());

        // The fixture model draws 32 px images: its interpolation strip is shown at twice its size, pixel for pixel.
        await WaitLoaded(page, "#interp-strip");
        var size = await page.Locator("#interp-strip").EvaluateAsync<System.Text.Json.JsonElement>(
            "i => ({ natural: i.naturalWidth, shown: i.getBoundingClientRect().width, factor: i.dataset.factor })");
        var (natural, shown, factor) = (size.GetProperty("natural").GetInt32(), size.GetProperty("shown").GetDouble(),
            size.GetProperty("factor").GetString());
        Assert.True(natural < 300, $"the fixture's strip is {natural} px wide");
        Assert.Equal("2", factor);
        Assert.Equal(2.0 * natural, shown, 0.5);
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (string dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }
}
