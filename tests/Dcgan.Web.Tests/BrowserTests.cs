using Dcgan.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;

namespace Dcgan.Web.Tests;

/// <summary>
/// The page in Debian's chromium (installed by .ci/run), against the real server on a loopback port: label images,
/// compute a vector, move a slider, and check that the shown image is the API's image for that strength.
/// </summary>
public class BrowserTests(StudioFixture studio) : IClassFixture<StudioFixture>
{
    public const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Label_compute_and_slide_in_the_browser()
    {
        Assert.True(File.Exists(Chromium), "Debian's chromium is needed for the browser test: apt-get install chromium (.ci/run does)");
        await using var app = StudioServer.Build(new StudioOptions { Checkpoint = studio.Model, RunsDir = studio.RunsDir, Urls = "http://127.0.0.1:0" });
        await app.StartAsync();
        string url = app.Urls.First();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium, Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1200, Height = 1700 } });
        await page.GotoAsync(url);
        await page.Locator(".tile").Nth(23).WaitForAsync();

        // Seeds 0-2 "with" (one click), 3-5 "without" (two clicks).
        for (int i = 0; i < 3; i++) await page.Locator(".tile").Nth(i).ClickAsync();
        for (int i = 3; i < 6; i++) { await page.Locator(".tile").Nth(i).ClickAsync(); await page.Locator(".tile").Nth(i).ClickAsync(); }
        Assert.Equal("3 with, 3 without", await page.Locator("#counts").TextContentAsync());
        Assert.Equal(3, await page.Locator(".tile.with").CountAsync());

        await page.Locator("#vector-name").FillAsync("smile");
        await page.Locator("#compute").ClickAsync();
        await page.Locator("#vectors tbody tr").First.WaitForAsync();
        StringAssert(await page.Locator("#compute-result").TextContentAsync(), "smile: norm");

        await page.Locator(".tile").Nth(10).Locator("button").ClickAsync();
        var slider = page.Locator("#sliders input[data-vector='smile']");
        await slider.FillAsync("1.5");
        await page.WaitForFunctionAsync("() => document.getElementById('edited').src.includes('smile%3A1.5')");
        await page.WaitForFunctionAsync("() => document.getElementById('edited').complete && document.getElementById('edited').naturalWidth > 0");
        string src = (await page.Locator("#edited").GetAttributeAsync("src"))!;
        Assert.Equal("/api/edit.png?seed=10&v=smile%3A1.5", src);

        // The pixels the page shows are the API's for that strength, and differ from the original's.
        var shown = await page.EvaluateAsync<string>(@"async () => {
            const r = await fetch(document.getElementById('edited').src);
            const b = new Uint8Array(await r.arrayBuffer());
            return btoa(String.fromCharCode(...b)); }");
        using var client = new HttpClient { BaseAddress = new Uri(url) };
        Assert.Equal(Convert.ToBase64String(await client.GetByteArrayAsync("/api/edit.png?seed=10&v=smile:1.5")), shown);
        Assert.NotEqual(Convert.ToBase64String(await client.GetByteArrayAsync("/api/images/10.png")), shown);

        // Arithmetic exemplars picked from the grid, and the figure drawn.
        await page.Locator("#click-mode").SelectOptionAsync("a");
        await page.Locator(".tile").Nth(6).ClickAsync();
        await page.Locator(".tile").Nth(7).ClickAsync();
        await page.Locator(".tile").Nth(1).ClickAsync(); // already in A: removed
        Assert.Equal("2,3,6,7", await page.Locator("#arith-a").InputValueAsync());
        await page.Locator("#arith-go").ClickAsync();
        await page.WaitForFunctionAsync("() => document.getElementById('arith').complete && document.getElementById('arith').naturalWidth > 0");

        // The training view shows the run's newest fixed-noise grid.
        Assert.Equal("tiny", await page.Locator("#run").InputValueAsync());
        await page.WaitForFunctionAsync("() => document.getElementById('run-sample').src.endsWith('/api/runs/tiny/samples/step-0000002.png')");

        string screenshots = Path.Combine(studio.Root, "screenshots");
        Directory.CreateDirectory(screenshots);
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "studio.png"), FullPage = true });
        await app.StopAsync();
    }

    private static void StringAssert(string? text, string expected) => Assert.Contains(expected, text ?? "");
}
