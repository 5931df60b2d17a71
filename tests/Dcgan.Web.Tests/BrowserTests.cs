using System.Net.Http.Json;
using System.Text.Json;
using Dcgan.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;

namespace Dcgan.Web.Tests;

/// <summary>The real server on a loopback port and Debian's chromium (installed by .ci/run), shared by the browser tests.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";
    private readonly StudioFixture studio = new();
    private WebApplication app = null!;
    private IPlaywright playwright = null!;

    public IBrowser Browser { get; private set; } = null!;
    public string Url { get; private set; } = "";
    public StudioFixture Studio => studio;
    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), "Debian's chromium is needed for the browser tests: apt-get install chromium (.ci/run does)");
        await studio.InitializeAsync();
        app = StudioServer.Build(new StudioOptions { Checkpoint = studio.Model, RunsDir = studio.RunsDir, Urls = "http://127.0.0.1:0" });
        await app.StartAsync();
        Url = app.Urls.First();
        Client = new HttpClient { BaseAddress = new Uri(Url) };
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium, Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run"],
        });
    }

    /// <summary>A fresh page at the studio; any alert, confirm or prompt fails the test (the page must never use one).</summary>
    public async Task<IPage> OpenAsync(int width, int height = 1700)
    {
        var page = await Browser.NewPageAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        page.Dialog += (_, dialog) => throw new Xunit.Sdk.XunitException($"the page opened a {dialog.Type} dialog: {dialog.Message}");
        await page.GotoAsync(Url);
        await page.Locator(".tile").Nth(23).WaitForAsync();
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.tile img')].every(i => i.complete && i.naturalWidth > 0)");
        return page;
    }

    public string Screenshot(string name) =>
        Path.Combine(Directory.CreateDirectory(Path.Combine(studio.Root, "screenshots")).FullName, name);

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
        Client.Dispose();
        await app.DisposeAsync();
        await studio.DisposeAsync();
    }
}

/// <summary>
/// The page as a person uses it, in Debian's chromium: first view, keyboard labelling, edits, errors, huge seeds, a phone.
/// </summary>
public class BrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string ImageBytes = @"async (selector) => {
        const r = await fetch(document.querySelector(selector).src);
        const b = new Uint8Array(await r.arrayBuffer());
        let s = ''; for (const x of b) s += String.fromCharCode(x); return btoa(s); }";

    private async Task<string> ApiImage(string url) => Convert.ToBase64String(await browser.Client.GetByteArrayAsync(url));

    private static Task WaitLoaded(IPage page, string selector) =>
        page.WaitForFunctionAsync($"() => {{ const i = document.querySelector('{selector}'); " +
            $"return i.complete && i.naturalWidth > 0 && !i.closest('.frame').classList.contains('empty'); }}");

    [Fact]
    public async Task First_view_says_what_to_do_and_shows_no_broken_image()
    {
        var page = await browser.OpenAsync(1300);
        Assert.Contains("Getting started", await page.Locator("#getting-started").TextContentAsync());
        await page.WaitForFunctionAsync("() => document.getElementById('run-state').textContent.length > 0");
        // Every image is either drawn or hidden behind a placeholder that says what will show there.
        var broken = await page.EvaluateAsync<string[]>(@"() => [...document.images]
            .filter(i => !(i.complete && i.naturalWidth > 0) && !i.closest('.frame.empty') && getComputedStyle(i).display !== 'none')
            .map(i => i.id || i.alt)");
        Assert.Empty(broken);
        Assert.True(await page.Locator("#edit .placeholder").First.IsVisibleAsync());
        Assert.Contains("finished", await page.Locator("#run-state").TextContentAsync());
        Assert.Equal("edit seed 5", await page.Locator(".tile").Nth(5).Locator(".edit").GetAttributeAsync("aria-label"));
        // Every visible text is at least 4.5:1 against the background it sits on (WCAG AA).
        var lowContrast = await page.EvaluateAsync<string[]>(@"() => {
            const rgb = c => c.match(/[\d.]+/g).map(Number);
            const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
                .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
            const background = e => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.length < 4 || c[3] > 0) return c; } return [255, 255, 255]; };
            return [...document.querySelectorAll('body *')].filter(e => e.offsetParent !== null && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
              .map(e => { const a = lum(rgb(getComputedStyle(e).color)), b = lum(background(e)); return [e, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)]; })
              .filter(([, ratio]) => ratio < 4.5).map(([e, ratio]) => `${e.tagName}.${e.className} ${ratio.toFixed(2)}: ${e.textContent.trim().slice(0, 30)}`); }");
        Assert.Empty(lowContrast);
        Assert.True(await page.EvaluateAsync<int>(@"() => [...document.querySelectorAll('body *')].filter(e => e.offsetParent !== null
            && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())).length") > 40,
            "the contrast check saw too few texts");
        await page.ScreenshotAsync(new() { Path = browser.Screenshot("first-view-1300.png"), FullPage = true });
    }

    [Fact]
    public async Task Labels_by_keyboard_then_compute_recompute_and_switch_models_without_stale_images()
    {
        var page = await browser.OpenAsync(1300);
        // Keyboard only: the grid is one Tab stop; Enter marks ✓, Space twice marks ✗, the arrow keys move to the next tile.
        await page.Locator("#click-mode").FocusAsync();
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("0", await page.EvaluateAsync<string>("() => document.activeElement.closest('.tile')?.dataset.seed"));
        for (int i = 0; i < 6; i++)
        {
            if (i < 3) await page.Keyboard.PressAsync("Enter");
            else { await page.Keyboard.PressAsync("Space"); await page.Keyboard.PressAsync("Space"); }
            await page.Keyboard.PressAsync("ArrowRight");
        }
        Assert.Equal("6", await page.EvaluateAsync<string>("() => document.activeElement.closest('.tile')?.dataset.seed"));
        // One Tab leaves the grid for the labels' name: the 24 tiles and their edit buttons are not 48 stops.
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("vector-name", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        Assert.Equal("3 with, 3 without", await page.Locator("#counts").TextContentAsync());
        Assert.Equal("✓", await page.Locator(".tile").Nth(0).Locator(".mark").TextContentAsync());
        Assert.Equal("✗", await page.Locator(".tile").Nth(4).Locator(".mark").TextContentAsync());
        Assert.Equal("true", await page.Locator(".tile .label").Nth(4).GetAttributeAsync("aria-pressed"));
        Assert.Contains("does not have", await page.Locator(".tile .label").Nth(4).GetAttributeAsync("aria-label"));

        // A name as a person types it, with a space, and Enter in the field: computed as big-smile.
        await page.Locator("#vector-name").FillAsync("big smile");
        await page.Locator("#vector-name").PressAsync("Enter");
        await page.Locator("#vectors tbody tr").First.WaitForAsync();
        await page.WaitForFunctionAsync("() => document.getElementById('compute-result').textContent.length > 0");
        string result = (await page.Locator("#compute-result").TextContentAsync())!;
        Assert.Contains("95 % interval", result);
        Assert.Contains("Too few labels to judge", result);

        await page.Locator(".tile").Nth(10).Locator(".edit").ClickAsync();
        // The edit panel comes into view and its first slider takes the focus.
        Assert.True(await page.EvaluateAsync<bool>(
            "() => document.activeElement.type === 'range' && document.activeElement.closest('#sliders') !== null"));
        Assert.Equal("big-smile", await page.Locator("#vector-name").InputValueAsync());
        await page.Locator("#sliders input[data-vector='big-smile']").FillAsync("1.5");
        await page.WaitForFunctionAsync("() => document.getElementById('edited').src.includes('big-smile%40')");
        await WaitLoaded(page, "#edited");
        string first = (await page.Locator("#edited").GetAttributeAsync("src"))!;
        string shownFirst = await page.EvaluateAsync<string>(ImageBytes, "#edited");
        Assert.True(await ApiImage(first) == shownFirst, $"the shown edit differs from the API's: {first}");
        Assert.NotEqual(await ApiImage($"{browser.Studio.M}/images/10.png"), shownFirst);

        // The same name computed again from other labels: a new version, new pixels, never the cached old image.
        await page.Locator(".tile .label").Nth(0).ClickAsync(); // ✓ -> ✗
        await page.Locator(".tile .label").Nth(3).ClickAsync(); // ✗ -> none
        await page.Locator(".tile .label").Nth(3).ClickAsync(); // none -> ✓
        await page.Locator("#compute").ClickAsync();
        await page.WaitForFunctionAsync($"() => document.getElementById('edited').getAttribute('src') !== '{first}'");
        await WaitLoaded(page, "#edited");
        string second = (await page.Locator("#edited").GetAttributeAsync("src"))!;
        string shownSecond = await page.EvaluateAsync<string>(ImageBytes, "#edited");
        Assert.True(await ApiImage(second) == shownSecond, $"the shown recomputed edit differs from the API's: {second}");
        Assert.NotEqual(shownFirst, shownSecond);

        // Another model: every tile is that model's, the labels and the edit are reset.
        var models = (await browser.Client.GetFromJsonAsync<JsonElement>("/api/models")).GetProperty("models");
        string bundled = models.EnumerateArray().First(m => m.GetProperty("source").GetString() == "bundled")
            .GetProperty("id").GetString()!;
        await page.Locator("#model").SelectOptionAsync(bundled);
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.tile img')]" +
            $".every(i => i.src.includes('{bundled}') && i.complete && i.naturalWidth > 0)");
        Assert.True(
            await ApiImage($"/api/models/{bundled}/images/2.png") == await page.EvaluateAsync<string>(ImageBytes, ".tile:nth-child(3) img"),
            "the shown tile of seed 2 differs from the API's image of the new model");
        Assert.NotEqual(await ApiImage($"{browser.Studio.M}/images/2.png"), await ApiImage($"/api/models/{bundled}/images/2.png"));
        Assert.Equal("0 with, 0 without", await page.Locator("#counts").TextContentAsync());
        Assert.True(await page.Locator("#edited").EvaluateAsync<bool>("i => i.closest('.frame').classList.contains('empty')"));
        Assert.Equal(0, await page.Locator("#vectors tbody tr").CountAsync());
        await page.ScreenshotAsync(new() { Path = browser.Screenshot("edited-1300.png"), FullPage = true });
        await page.Locator("#generate").ScreenshotAsync(new() { Path = browser.Screenshot("generate-1300.png") });
    }

    [Fact]
    public async Task Stale_figures_and_errors_go_when_their_input_or_model_changes_and_enter_computes()
    {
        // A new user's probe (2026-12-08): after a bad interpolation end and a model switch the old model's strip and its
        // download stayed; a seed error outlived the model it was about; Enter did nothing in the arithmetic fields.
        var page = await browser.OpenAsync(1300);
        await WaitLoaded(page, "#interp-strip");
        Assert.True(await page.Locator("#interp-download").IsVisibleAsync());
        await page.Locator("#interp-a").FillAsync("x");
        await page.Locator("#interp-a").PressAsync("Tab");
        await page.WaitForFunctionAsync("() => document.getElementById('interp-error').textContent.includes('is not a seed')");
        Assert.True(await page.Locator("#interp-strip").EvaluateAsync<bool>("i => i.closest('.frame').classList.contains('empty') && !i.src"));
        Assert.True(await page.Locator("#interp-download").IsHiddenAsync());

        await page.Locator("#seed").FillAsync("-4");
        await page.Locator("#seed").PressAsync("Enter");
        Assert.Contains("is not a seed", await page.Locator("#seed-error").TextContentAsync());
        var models = (await browser.Client.GetFromJsonAsync<JsonElement>("/api/models")).GetProperty("models");
        string other = models.EnumerateArray().Select(m => m.GetProperty("id").GetString()!)
            .First(id => id != browser.Studio.ModelId);
        await page.Locator("#model").SelectOptionAsync(other);
        await page.WaitForFunctionAsync("() => document.getElementById('seed-error').textContent === ''");
        Assert.True(await page.Locator("#interp-strip").EvaluateAsync<bool>("i => !i.src"), "a strip drawn for ends that are not seeds");

        foreach (var (list, seeds) in new[] { ("a", "1"), ("b", "2"), ("c", "3") }) await page.Locator($"#arith-{list}").FillAsync(seeds);
        await page.Locator("#arith-c").PressAsync("Enter");
        await WaitLoaded(page, "#arith");
        Assert.Contains($"/api/models/{other}/arithmetic.png?a=1&b=2&c=3", await page.Locator("#arith").GetAttributeAsync("src"));
    }

    [Fact]
    public async Task Errors_show_next_to_their_control_and_huge_seeds_are_exact()
    {
        var page = await browser.OpenAsync(1300);
        await page.Locator("#seed").FillAsync("9007199254740993"); // 2^53 + 1: not a JS number
        await page.Locator("#show").ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('.tile').dataset.seed === '9007199254740993'");
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.tile img')].every(i => i.complete && i.naturalWidth > 0)");
        Assert.EndsWith("/images/9007199254740994.png", await page.Locator(".tile img").Nth(1).GetAttributeAsync("src"));
        Assert.True(
            await ApiImage($"{browser.Studio.M}/images/9007199254740993.png") == await page.EvaluateAsync<string>(ImageBytes, ".tile img"),
            "huge seed tile");

        await page.Locator("#seed").FillAsync("9223372036854775808"); // 2^63
        await page.Locator("#show").ClickAsync();
        Assert.Contains("too large", await page.Locator("#seed-error").TextContentAsync());
        Assert.Equal("true", await page.Locator("#seed").GetAttributeAsync("aria-invalid"));
        await page.Locator("#seed").FillAsync("-4");
        await page.Locator("#show").ClickAsync();
        Assert.Contains("is not a seed", await page.Locator("#seed-error").TextContentAsync());

        await page.Locator("#arith-a").FillAsync("abc");
        await page.Locator("#arith-go").ClickAsync();
        Assert.Contains("\"abc\" is not a seed", await page.Locator("#arith-error").TextContentAsync());

        // A text file given as a vector: the server's problem, in plain words, beside the upload.
        string file = Path.Combine(browser.Studio.Root, "notes.json");
        await File.WriteAllTextAsync(file, "hello, this is not a vector");
        await page.Locator("#upload").SetInputFilesAsync(file);
        await page.WaitForFunctionAsync("() => document.getElementById('vectors-error').textContent.length > 0");
        string error = (await page.Locator("#vectors-error").TextContentAsync())!;
        Assert.Contains("is not a vector file", error);
        Assert.DoesNotContain("LineNumber", error);

        // v_A as the recipe saves it in Python, torch.save(v_A, "v_A.pt"): loaded under the file's name, with a slider.
        string torchFile = Path.Combine(browser.Studio.Root, "v_A.pt");
        using (var stream = File.Create(torchFile)) Interop.TorchTensorFile.WriteVector(stream, Enumerable.Repeat(0.5f, 8).ToArray());
        string model = await page.Locator("#model").InputValueAsync();
        try
        {
            await page.Locator("#upload").SetInputFilesAsync(torchFile);
            await page.Locator("#sliders input[data-vector='v_A']").WaitForAsync();
            Assert.Contains("Loaded vector v_A (imported)", await page.Locator("#vectors-note").TextContentAsync());
            Assert.Equal("", await page.Locator("#vectors-error").TextContentAsync());
        }
        finally
        {
            // The studio is shared by these tests: leave its vectors as they were, also when an assertion above failed.
            await browser.Client.DeleteAsync($"/api/models/{model}/vectors/v_A");
        }
    }

    [Fact]
    public async Task Your_own_image_is_inverted_shown_beside_its_match_and_edited_with_the_sliders()
    {
        var page = await browser.OpenAsync(1300);
        await page.Locator("#sefa").ClickAsync();
        await page.Locator("#sliders input[data-vector='sefa-00']").WaitForAsync();
        string file = Path.Combine(browser.Studio.Root, "my-picture.png");
        await File.WriteAllBytesAsync(file, await browser.Client.GetByteArrayAsync($"{browser.Studio.M}/images/7.png"));
        await page.Locator("#own-image").SetInputFilesAsync(file);
        await page.WaitForFunctionAsync("() => document.getElementById('invert-result').textContent.includes('PSNR')", null,
            new() { Timeout = 60_000 });
        Assert.Contains("my-picture.png", await page.Locator("#edit-seed").TextContentAsync());
        await WaitLoaded(page, "#reconstruction");
        await WaitLoaded(page, "#edited");
        Assert.Contains("/edit.png?z=", await page.Locator("#edited").GetAttributeAsync("src"));

        await page.Locator("#sliders input[data-vector='sefa-00']").FillAsync("2");
        await page.WaitForFunctionAsync("() => document.getElementById('edited').src.includes('sefa-00%40')");
        await WaitLoaded(page, "#edited");
        string src = (await page.Locator("#edited").GetAttributeAsync("src"))!;
        Assert.Contains("z=", src);
        string shown = await page.EvaluateAsync<string>(ImageBytes, "#edited");
        Assert.True(await ApiImage(src) == shown, $"the shown edit of the own image differs from the API's: {src}");
        Assert.NotEqual(await page.EvaluateAsync<string>(ImageBytes, "#reconstruction"), shown);
    }

    [Fact]
    public async Task A_phone_sized_page_fits_390_px_with_44_px_targets()
    {
        var page = await browser.OpenAsync(390, 844);
        await page.Locator(".tile .label").Nth(0).ClickAsync();
        await page.Locator(".tile .label").Nth(1).ClickAsync();
        await page.Locator(".tile .label").Nth(2).ClickAsync();
        await page.Locator(".tile .label").Nth(2).ClickAsync();
        await page.Locator(".tile .label").Nth(3).ClickAsync();
        await page.Locator(".tile .label").Nth(3).ClickAsync();
        await page.Locator("#compute").ClickAsync();
        await page.Locator("#vectors tbody tr").First.WaitForAsync();
        foreach (var (list, seeds) in new[] { ("a", "1,2,3"), ("b", "4,5,6"), ("c", "7,8,9") })
            await page.Locator($"#arith-{list}").FillAsync(seeds);
        await page.Locator("#arith-go").ClickAsync();
        await WaitLoaded(page, "#arith");
        var wide = await page.EvaluateAsync<string[]>(@"() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > 390).map(e => `${e.tagName}#${e.id}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)");
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 390,
            "the page scrolls sideways at 390 px: " + string.Join("; ", wide.Take(12)));
        var edit = await page.Locator(".tile .edit").First.BoundingBoxAsync();
        Assert.True(edit!.Width >= 44 && edit.Height >= 44, $"the edit button is {edit.Width}x{edit.Height} px");
        var small = await page.EvaluateAsync<string[]>(@"() => [...document.querySelectorAll('button, select')]
            .filter(e => e.offsetParent !== null).map(e => [e, e.getBoundingClientRect()])
            .filter(([, r]) => r.height < 44).map(([e, r]) => (e.id || e.className || e.textContent) + ' ' + r.height)");
        Assert.Empty(small);
        await page.ScreenshotAsync(new() { Path = browser.Screenshot("phone-390.png"), FullPage = true });
        foreach (var section in new[] { "generate", "vectors-section", "arithmetic" })
            await page.Locator("#" + section).ScreenshotAsync(new() { Path = browser.Screenshot($"phone-390-{section}.png") });
    }
}
