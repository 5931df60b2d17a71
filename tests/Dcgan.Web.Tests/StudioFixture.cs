using Dcgan.Models;
using Dcgan.Training;
using Dcgan.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using System.Net.Http.Json;

namespace Dcgan.Web.Tests;

/// <summary>The studio in-process, serving the small PyTorch fixture generator, with a tiny training run to show.</summary>
public sealed class StudioFixture : IAsyncLifetime
{
    public string Root { get; } = Dcgan.Testing.TestTemp.NewFolder("studio");
    public string Model => Path.Combine(AppContext.BaseDirectory, "Fixtures", "netG.pth");
    public string RunsDir => Path.Combine(Root, "runs");
    public WebApplication App { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    /// <summary>The served fixture model's id, and the prefix of its URLs.</summary>
    public string ModelId { get; private set; } = "";
    public string M => $"/api/models/{ModelId}";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        string images = Path.Combine(Root, "images");
        Directory.CreateDirectory(images);
        for (int i = 0; i < 4; i++)
        {
            var info = new SkiaSharp.SKImageInfo(32, 32, SkiaSharp.SKColorType.Rgba8888, SkiaSharp.SKAlphaType.Opaque);
            using var surface = SkiaSharp.SKSurface.Create(info);
            surface.Canvas.Clear(new SkiaSharp.SKColor((byte)(i * 60), 100, 200));
            File.WriteAllBytes(Path.Combine(images, $"{i}.png"),
                surface.Snapshot().Encode(SkiaSharp.SKEncodedImageFormat.Png, 100).ToArray());
        }
        new Trainer(new TrainingOptions
        {
            Data = images, OutDir = Path.Combine(RunsDir, "tiny"), BatchSize = 2, MaxSteps = 2, SampleEvery = 1, FixedNoiseCount = 4,
            CacheDir = Path.Combine(Root, "cache"), Model = new ModelOptions { Nz = 8, Ngf = 4, Ndf = 4, ImageSize = 32 },
        }).Run(resume: false);

        // A generous batching window, so requests sent together are drawn together even on a busy machine.
        App = StudioServer.Build(new StudioOptions { Checkpoint = Model, RunsDir = RunsDir, BatchWindow = TimeSpan.FromMilliseconds(50) },
            b => b.WebHost.UseTestServer());
        await App.StartAsync();
        Client = App.GetTestClient();
        var models = await Client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/models");
        ModelId = models.GetProperty("models")[0].GetProperty("id").GetString()!;
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}
