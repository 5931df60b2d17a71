using System.Globalization;

namespace Dcgan.Tests;

/// <summary>
/// docs/tutorial, run as a reader runs it: each step a .NET file-based app (`dotnet run NN-step.cs`), in order, in one
/// folder, each reading what the one before wrote. Their printed lines and files are checked, and the seed's z and v_A
/// against PyTorch itself.
/// </summary>
public class TutorialTests
{
    [Fact]
    public void Every_step_runs_in_order_and_prints_what_the_tutorial_shows()
    {
        string dir = TestData.TempDir("tutorial");
        string Step(string file, params string[] args)
        {
            string path = Path.Combine(TestData.RepositoryRoot, "docs", "tutorial", file);
            var run = TestData.Run("dotnet", ["run", "-c", "Release", path, "--", .. args], TimeSpan.FromMinutes(5), workingDirectory: dir);
            Assert.True(run.Code == 0, $"{file}: {run.Output}{run.Errors}");
            return run.Output;
        }
        bool Png(string name) => File.Exists(Path.Combine(dir, name)) && File.ReadAllBytes(Path.Combine(dir, name))[1..4] is [(byte)'P', (byte)'N', (byte)'G'];

        Assert.Contains("2065 images of 3x64x64", Step("01-data.cs"));
        Assert.True(Png("training-images.png"));

        string networks = Step("02-networks.cs");
        Assert.Contains("(0): ConvTranspose2d(100, 512, kernel_size=(4, 4), stride=(1, 1), bias=False)", networks);
        Assert.Contains("(11): Conv2d(512, 1, kernel_size=(4, 4), stride=(1, 1), bias=False)", networks);
        Assert.Contains("3,576,704 parameters", networks); // G
        Assert.Contains("2,765,568 parameters", networks); // D

        string steps = Step("03-one-step.cs");
        Assert.Equal(3, steps.Split('\n').Count(l => l.StartsWith("[0/5][") && l.Contains("\tLoss_D: ") && l.Contains("D(G(z)): ")));
        Assert.True(Png("untrained.png"));

        Assert.Contains("Done at step 12;", Step("04-train.cs", "12"));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(dir, "runs", "tutorial", "samples"), "*.png"));
        Assert.Contains("has a run already", Step("04-train.cs", "12")); // never overwrites a run
        Assert.Contains("Resumed at step 12 and trained to step 16;", Step("05-resume.cs", "4"));

        string sample = Step("06-sample.cs");
        Assert.Contains("seed 7 alone and in a batch of three: the same pixels", sample);
        Assert.True(Png("samples.png"));
        string z7 = TestData.PyTorch("import torch\ntorch.manual_seed(7)\nprint(', '.join(f'{v:.4f}' for v in torch.randn(1, 100, 1, 1).flatten()[:4].tolist()))");
        Assert.Contains($"z of seed 7 starts {z7.Trim()} ...", sample);

        Assert.Contains("Labelled 50 seeds with A", Step("07-label.cs"));
        string vector = Step("08-vector.cs");
        Assert.Contains("read it back: the same values", vector);
        Assert.True(Png("seed7+3.png") && Png("seed21-3.png"));
        // v_A as PyTorch sees it: torch.load gives 100 float32 values, the ones the library fitted.
        string loaded = TestData.PyTorch($"import torch\nv = torch.load({Quote(Path.Combine(dir, "v_A.pt"))})\nprint(v.dtype, tuple(v.shape), f'{{v.norm():.6f}}')");
        var fitted = LatentVector.Load(Path.Combine(dir, "v_A.pt"));
        double norm = Math.Sqrt(fitted.Values.Sum(x => (double)x * x));
        Assert.Equal($"torch.float32 (100,) {norm.ToString("F6", CultureInfo.InvariantCulture)}", loaded.Trim());
    }

    private static string Quote(string path) => "'" + path.Replace("\\", "\\\\").Replace("'", "\\'") + "'";
}
