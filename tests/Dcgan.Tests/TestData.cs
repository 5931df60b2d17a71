using System.Diagnostics;
using Dcgan.Imaging;
using Dcgan.Training;
using SkiaSharp;

namespace Dcgan.Tests;

/// <summary>Small images made by the tests themselves: coloured shapes on varied backgrounds, some transparent.</summary>
internal static class TestData
{
    public static string TempDir(string name)
    {
        return Dcgan.Testing.TestTemp.NewFolder(name);
    }

    public static byte[] EncodePng(int width, int height, Func<int, int, (byte R, byte G, byte B, byte A)> pixel)
    {
        var rgba = new byte[width * height * 4];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                var (r, g, b, a) = pixel(x, y);
                int i = (y * width + x) * 4;
                rgba[i] = r; rgba[i + 1] = g; rgba[i + 2] = b; rgba[i + 3] = a;
            }
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var image = SKImage.FromPixelCopy(info, rgba);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>A folder of count small, different PNG images (a disc of a colour on a gradient).</summary>
    public static string ImageFolder(int count, int size = 40, string? into = null)
    {
        string dir = into ?? TempDir("images");
        Directory.CreateDirectory(dir);
        for (int k = 0; k < count; k++)
        {
            byte hue = (byte)(k * 37 % 256);
            File.WriteAllBytes(Path.Combine(dir, $"img{k:D3}.png"), EncodePng(size, size, (x, y) =>
            {
                bool inside = (x - size / 2) * (x - size / 2) + (y - size / 2) * (y - size / 2) < size * size / 9;
                return inside ? (hue, (byte)(255 - hue), (byte)(k * 11), (byte)255) : ((byte)(x * 4), (byte)(y * 4), (byte)128, (byte)255);
            }));
        }
        return dir;
    }

    /// <summary>A tiny run under root: 32x32, nz 8, 4 feature maps, batch 4, 5 steps, a checkpoint every 2 steps.</summary>
    public static TrainingOptions TinyRun(string root) => new()
    {
        Data = ImageFolder(10), OutDir = Path.Combine(root, "straight"), BatchSize = 4, MaxSteps = 5, Seed = 11, SampleEvery = 100,
        CheckpointEvery = 2, KeepCheckpoints = 10, CacheDir = Path.Combine(root, "cache"), FixedNoiseCount = 4,
        Model = new Models.ModelOptions { ImageSize = 32, Nz = 8, Ngf = 4, Ndf = 4 },
    };

    /// <summary>
    /// Trains the run straight through, and again stopped after 2 steps and resumed from its saved config; both final checkpoints.
    /// </summary>
    public static (string Straight, string Resumed, TrainingOptions ResumedOptions) StraightAndResumed(TrainingOptions options)
    {
        var straight = new Trainer(options).Run(resume: false);
        string interrupted = Path.Combine(options.OutDir, "..", "interrupted");
        new Trainer(options with { OutDir = interrupted, MaxSteps = 2 }).Run(resume: false);
        var resumed = Trainer.OptionsForResume(interrupted, epochs: null, maxSteps: options.MaxSteps);
        return (straight.LastCheckpoint!, new Trainer(resumed).Run(resume: true).LastCheckpoint!, resumed);
    }

    /// <summary>G's weights in a checkpoint, as one flat tensor (to compare two runs bit for bit).</summary>
    public static TorchSharp.torch.Tensor GeneratorWeights(string checkpoint)
    {
        var g = new Models.Generator(Checkpoint.ReadOptions(checkpoint).Model);
        Checkpoint.LoadGenerator(checkpoint, g);
        return TorchSharp.torch.cat(g.parameters().Select(p => p.detach().flatten()).ToList(), 0);
    }

    /// <summary>D's whole state in a checkpoint (weights, BatchNorm statistics, spectral norm's u and v) as one flat tensor.</summary>
    public static TorchSharp.torch.Tensor DiscriminatorState(string checkpoint)
    {
        var d = new Models.Discriminator(Checkpoint.ReadOptions(checkpoint).Model);
        Checkpoint.LoadDiscriminator(checkpoint, d);
        return TorchSharp.torch.cat(d.state_dict().Values.Select(t => t.detach().to(TorchSharp.torch.ScalarType.Float64).flatten()).ToList(), 0);
    }

    /// <summary>Runs a script with Debian's python3-torch (installed by .ci/run) and returns what it prints.</summary>
    public static string PyTorch(string script)
    {
        const string python = "/usr/bin/python3";
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        process.StandardInput.Write(script);
        process.StandardInput.Close();
        // Both streams at once (a full stderr pipe would otherwise block Python), and never longer than two minutes.
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), "PyTorch did not finish within 2 minutes");
        string error = errors.Result;
        Assert.True(process.ExitCode == 0,
            $"PyTorch (Debian's python3-torch; apt-get install python3-torch, as .ci/run does) failed: {error}");
        return output.Result;
    }

    /// <summary>The repository's root (the folder with DcganStudio.slnx), found upwards from the test's folder.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "DcganStudio.slnx"))) return dir.FullName;
            throw new DirectoryNotFoundException("the repository root (DcganStudio.slnx) is not above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Runs a program to its end (at most <paramref name="timeout"/>) and returns its exit code and both streams.</summary>
    public static (int Code, string Output, string Errors) Run(string program, IEnumerable<string> arguments, TimeSpan timeout,
        string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? RepositoryRoot,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', arguments)} did not finish within {timeout}: {output.Result}{errors.Result}");
        }
        return (process.ExitCode, output.Result, errors.Result);
    }
}
