using Dcgan.Generation;
using Dcgan.Imaging;
using Dcgan.Latent;
using SkiaSharp;
using static TorchSharp.torch;

namespace Dcgan.Tests;

public class InversionTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private string Out(string name) => Path.Combine(model.Root, $"{Guid.NewGuid():N}-{name}");

    [Fact]
    public void An_image_generated_from_a_seed_inverts_back_to_itself_deterministically()
    {
        // The bundled model: its images differ from seed to seed, so a close match means the search found this one.
        using var loaded = LoadedModel.Open(ModelLoader.BundledModelPath);
        var png = Png.Encode(loaded.Sampler.RenderSeeds([5])[0]);
        var options = new InversionOptions { Steps = 300, Restarts = 2 };
        var found = loaded.Invert("seed-5.png", png, options);
        Assert.True(found.Psnr >= 28, $"PSNR {found.Psnr:F2} dB");
        Assert.InRange(found.Ssim, 0.9, 1.0);
        Assert.Equal(found.Latent, loaded.Invert("seed-5.png", png, options).Latent);

        // Far better than another seed's image: the search found this image, not any image of the model.
        using var target = Inversion.ReadTarget("seed-5.png", png, loaded.Options);
        using var other = PixelConverter.ToByteTensor(loaded.Sampler.Generate(loaded.LatentsFor([6]))).to(ScalarType.Float64);
        using var goal = PixelConverter.ToByteTensor(target).to(ScalarType.Float64);
        double otherPsnr = ImageSimilarity.Psnr(other, goal);
        Assert.True(found.Psnr > otherPsnr + 6, $"inverted {found.Psnr:F2} dB against another seed's {otherPsnr:F2} dB");
    }

    [Fact]
    public void Psnr_and_ssim_are_the_textbook_figures()
    {
        using var a = full([1, 3, 16, 16], 100.0, dtype: ScalarType.Float64);
        using var b = a.add(10);
        Assert.Equal(10 * Math.Log10(255.0 * 255.0 / 100), ImageSimilarity.Psnr(a, b), 9); // MSE 100
        Assert.Equal(1.0, ImageSimilarity.Ssim(a, a.clone()), 9);
        using var noisy = a.add(randn([1, 3, 16, 16], dtype: ScalarType.Float64, generator: new TorchSharp.torch.Generator(3)).mul(40));
        Assert.InRange(ImageSimilarity.Ssim(a, noisy), -1, 0.5);
    }

    [Fact]
    public void The_command_writes_latents_whose_sample_is_the_reconstruction_and_edits_start_from_them()
    {
        string image = Out("seed-9.png");
        using (var loaded = LoadedModel.Open(model.Run)) Png.Save(loaded.Sampler.RenderSeeds([9])[0], image);
        string z = Out("z.npy"), reconstruction = Out("r.png");
        var run = CliTests.Run("invert", "--checkpoint", model.Run, "--image", image, "--out", z, "--reconstruction", reconstruction);
        Assert.True(run.Code == 0, run.Err);
        Assert.Matches(@"seed-9\.png: PSNR \d+\.\d\d dB, SSIM", run.Out);
        Assert.Contains("pixel + D-feature + prior loss", run.Out); // a checkpoint holds D

        string samples = Out("samples");
        Assert.Equal(0, CliTests.Run("sample", "--checkpoint", model.Run, "--latents", z, "--each", samples).Code);
        Assert.Equal(File.ReadAllBytes(reconstruction), File.ReadAllBytes(Path.Combine(samples, "latent-0000.png")));

        string vector = Out("v.json"), strip = Out("strip.png");
        Assert.Equal(0, CliTests.Run("attribute", "fit", "--checkpoint", model.Run, "--with", "0-5", "--without", "6-11",
            "--out", vector).Code);
        var apply = CliTests.Run("attribute", "apply", "--checkpoint", model.Run, "--latents", z, "--vector", vector,
            "--strengths", "-1,0,1", "--out", strip);
        Assert.True(apply.Code == 0, apply.Err);
        // one row, three columns of 32 px
        using (var bitmap = SKBitmap.Decode(strip)) Assert.Equal((2 + 3 * 34, 2 + 34), (bitmap.Width, bitmap.Height));
        Assert.Equal(0, CliTests.Run("interpolate", "--checkpoint", model.Run, "--from", z, "--to", "3", "--out", Out("walk.png")).Code);
        var arithmetic = CliTests.Run("arithmetic", "--checkpoint", model.Run, "--a", z, "--b", "1,2", "--c", "3",
            "--out", Out("arith.png"));
        Assert.True(arithmetic.Code == 0, arithmetic.Err);
    }

    [Fact]
    public void A_folder_inverts_in_file_name_order_one_row_each()
    {
        string dir = Out("photos");
        Directory.CreateDirectory(dir);
        using (var loaded = LoadedModel.Open(model.Run))
            foreach (var seed in new[] { 4, 2 }) Png.Save(loaded.Sampler.RenderSeeds([seed])[0], Path.Combine(dir, $"b{seed}.png"));
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "not an image, and not an image extension: skipped");
        string z = Out("z.json");
        var run = CliTests.Run("invert", "--checkpoint", model.Run, "--image", dir, "--out", z, "--steps", "50", "--restarts", "2");
        Assert.True(run.Code == 0, run.Err);
        Assert.True(run.Out.IndexOf("b2.png", StringComparison.Ordinal) < run.Out.IndexOf("b4.png", StringComparison.Ordinal));
        using var latents = LatentFile.Read(z, 8);
        Assert.Equal(2, latents.shape[0]);
        Assert.Equal(16, latents.numel());
    }

    [Theory]
    [InlineData("text", "not a decodable image")]
    [InlineData("missing", "does not exist")]
    [InlineData("empty-folder", "holds no images")]
    [InlineData("steps", "--steps must be between 1 and 10000")]
    [InlineData("huge", "is too large to read")]
    [InlineData("folder-one-bad", "b.png: not a decodable image")] // found before a.png is inverted, not after

    public void Bad_input_is_a_one_line_error(string kind, string expected)
    {
        string path = Out(kind);
        string[] extra = [];
        switch (kind)
        {
            case "text": path += ".png"; File.WriteAllText(path, "hello"); break;
            case "empty-folder": Directory.CreateDirectory(path); break;
            case "steps":
                path += ".png"; File.WriteAllBytes(path, TestData.EncodePng(8, 8, (_, _) => (1, 2, 3, 255)));
                extra = ["--steps", "0"]; break;
            case "huge": path += ".png"; File.WriteAllBytes(path, PngClaiming(20000, 20000)); break;
            case "folder-one-bad":
                Directory.CreateDirectory(path);
                File.WriteAllBytes(Path.Combine(path, "a.png"), TestData.EncodePng(8, 8, (_, _) => (1, 2, 3, 255)));
                File.WriteAllText(Path.Combine(path, "b.png"), "hello");
                extra = ["--steps", "2000"]; break; // a.png alone would take many seconds: the error must come first
        }
        var run = CliTests.Run(["invert", "--checkpoint", model.Run, "--image", path, "--out", Out("z.npy"), .. extra]);
        Assert.NotEqual(0, run.Code);
        Assert.DoesNotContain("PSNR", run.Out); // nothing inverted before the error
        Assert.Contains(expected, run.Err);
        Assert.Single(run.Err.Trim().Split('\n'));
    }

    /// <summary>A small real PNG whose header claims another size (CRC fixed): what a decompression bomb looks like to a reader.</summary>
    private static byte[] PngClaiming(int width, int height)
    {
        var png = TestData.EncodePng(4, 4, (_, _) => (9, 9, 9, 255));
        // IHDR's data starts at byte 16 (8 signature + 4 length + 4 type); width and height are big-endian.
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc32.Of(png.AsSpan(12, 17)));
        return png;
    }
}
