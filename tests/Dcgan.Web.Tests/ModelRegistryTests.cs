using Dcgan.Web;

namespace Dcgan.Web.Tests;

/// <summary>The registry's parts on their own: the loaded-model cache under concurrent first requests, and run names from URLs.</summary>
public class ModelRegistryTests
{
    private static string FixtureModel => Path.Combine(AppContext.BaseDirectory, "Fixtures", "netG.pth");

    [Fact]
    public async Task Concurrent_first_requests_load_a_model_once_and_share_it()
    {
        string runs = Dcgan.Testing.TestTemp.NewFolder("registry");
        using var registry = new ModelRegistry(new StudioOptions { Checkpoint = FixtureModel, RunsDir = runs, LoadedModels = 2 });
        string id = registry.List()[0].Id;
        using var start = new ManualResetEventSlim();
        var requests = Enumerable.Range(0, 16).Select(_ => Task.Run(() => { start.Wait(); return registry.Get(id); })).ToList();
        start.Set();
        var served = await Task.WhenAll(requests);
        Assert.All(served, s => Assert.Same(served[0], s));
        Assert.Equal(1, registry.Loads);
        Assert.Equal(1, registry.LoadedCount);
        // The shared model draws (its renderer is the one kept, not one of a discarded duplicate).
        var figure = Generation.Figure.Grid(served[0].Model.LatentsFor([3]), 1);
        Assert.Equal(figure.Draw(served[0].Model.Sampler).Pixels, (await served[0].Renderer.DrawAsync(figure)).Pixels);

        // Dropped from the cache past its capacity, a model is loaded again when asked for (and counted again).
        var others = registry.List().Where(e => e.Id != id).Take(2).ToList();
        Assert.Equal(2, others.Count);
        foreach (var other in others) registry.Get(other.Id);
        Assert.Equal(2, registry.LoadedCount);
        Assert.NotSame(served[0], registry.Get(id));
        Assert.Equal(4, registry.Loads);
    }

    [Theory]
    [InlineData("../etc", "holds a path separator")]
    [InlineData("..", "starts with a dot")]
    [InlineData(".hidden", "starts with a dot")]
    [InlineData("a\\b", "holds a path separator")]
    [InlineData("", "is empty")]
    [InlineData("nul\0x", "holds a character file names cannot")]
    public void Run_and_file_names_from_urls_stay_plain(string name, string reason)
    {
        var e = Assert.Throws<InputException>(() => RunsFolder.SafeName(name, "run"));
        Assert.Contains(reason, e.Message);
        Assert.Equal("step-0000002.png", RunsFolder.SafeName("step-0000002.png", "file"));
    }
}
