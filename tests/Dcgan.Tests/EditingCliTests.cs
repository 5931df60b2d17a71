using Dcgan.Imaging;
using Dcgan.Latent;
using Dcgan.Models;
using Dcgan.Training;
using SkiaSharp;

namespace Dcgan.Tests;

/// <summary>A tiny model trained once for all the editing command tests.</summary>
public sealed class TinyModelFixture
{
    public string Root { get; } = TestData.TempDir("editing");
    public string Run => Path.Combine(Root, "run");

    public TinyModelFixture()
    {
        var options = new TrainingOptions
        {
            Data = TestData.ImageFolder(6), OutDir = Run, BatchSize = 3, MaxSteps = 2, CacheDir = Path.Combine(Root, "cache"),
            FixedNoiseCount = 4, Model = new ModelOptions { ImageSize = 32, Nz = 8, Ngf = 4, Ndf = 4 },
        };
        new Trainer(options).Run(resume: false);
    }
}

public class EditingCliTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private string Out(string name) => Path.Combine(model.Root, $"{Guid.NewGuid():N}-{name}");

    private static (int Width, int Height) Size(string png)
    {
        using var bitmap = SKBitmap.Decode(png);
        return (bitmap.Width, bitmap.Height);
    }

    [Fact]
    public void Attribute_fit_then_apply_renders_one_row_per_image_and_one_column_per_strength()
    {
        string vector = Out("v.json");
        var fit = CliTests.Run("attribute", "fit", "--checkpoint", model.Run, "--with", "0-5", "--without", "6-11", "--name", "test",
            "--out", vector);
        Assert.True(fit.Code == 0, fit.Err);
        Assert.Contains("6 with, 6 without", fit.Out);
        Assert.Contains("3-fold held-out accuracy", fit.Out);
        var saved = AttributeVector.Load(vector);
        Assert.Equal(8, saved.Nz);
        Assert.Equal(Enumerable.Range(0, 6).Select(i => (long)i), saved.SeedsWith);

        string other = Out("other.json"), strip = Out("strip.png");
        Assert.Equal(0, CliTests.Run("attribute", "fit", "--checkpoint", model.Run, "--with", "12-17", "--without", "18-23",
            "--name", "other", "--out", other).Code);
        var apply = CliTests.Run("attribute", "apply", "--checkpoint", model.Run, "--vector", vector, "--seed", "3", "--n", "2",
            "--strengths", "-1,0,1", "--keep-norm", "--condition", other, "--out", strip);
        Assert.True(apply.Code == 0, apply.Err);
        Assert.Equal((3 * 34 + 2, 2 * 34 + 2), Size(strip));
        // Conditioned on itself the vector is zero (every column the same image, as a probe found): refused.
        var itself = CliTests.Run("attribute", "apply", "--checkpoint", model.Run, "--vector", vector, "--condition", vector,
            "--out", Out("itself.png"));
        Assert.NotEqual(0, itself.Code);
        Assert.Contains("--condition: the conditions span the edited vector itself", itself.Err);
    }

    [Fact]
    public void A_vector_written_as_pt_applies_like_its_json()
    {
        string json = Out("v.json"), pt = Out("v_A.pt"), fromJson = Out("json.png"), fromPt = Out("pt.png");
        Assert.Equal(0, CliTests.Run("attribute", "fit", "--checkpoint", model.Run, "--with", "0-3", "--without", "4-7",
            "--out", json).Code);
        var fit = CliTests.Run("attribute", "fit", "--checkpoint", model.Run, "--with", "0-3", "--without", "4-7", "--out", pt);
        Assert.True(fit.Code == 0, fit.Err);
        Assert.True(File.Exists(pt + ".json"), "the description beside the tensor");
        Assert.Equal(0, CliTests.Run("attribute", "apply", "--checkpoint", model.Run, "--vector", json, "--seed", "9",
            "--strengths", "-2,2", "--out", fromJson).Code);
        var apply = CliTests.Run("attribute", "apply", "--checkpoint", model.Run, "--vector", pt, "--seed", "9", "--strengths", "-2,2",
            "--out", fromPt);
        Assert.True(apply.Code == 0, apply.Err);
        Assert.Equal(File.ReadAllBytes(fromJson), File.ReadAllBytes(fromPt));
        Assert.DoesNotContain("does not say which model", apply.Out + apply.Err); // the JSON beside it names the model
    }

    [Fact]
    public void The_zero_strength_column_is_the_original_image()
    {
        string vector = Out("v.json"), strip = Out("strip.png"), each = Out("each");
        Assert.Equal(0, CliTests.Run("attribute", "fit", "--checkpoint", model.Run, "--with", "0-3", "--without", "4-7",
            "--out", vector).Code);
        Assert.Equal(0, CliTests.Run("attribute", "apply", "--checkpoint", model.Run, "--vector", vector, "--seed", "9", "--n", "1",
            "--strengths", "0", "--out", strip).Code);
        Assert.Equal(0, CliTests.Run("sample", "--checkpoint", model.Run, "--seed", "9", "--n", "1", "--each", each).Code);
        Assert.Equal(File.ReadAllBytes(Path.Combine(each, "9.png")), File.ReadAllBytes(strip));
    }

    [Fact]
    public void Interpolate_arithmetic_and_directions_write_their_figures()
    {
        string strip = Out("interp.png"), frames = Out("frames");
        var interp = CliTests.Run("interpolate", "--checkpoint", model.Run, "--from", "1", "--to", "2", "--through", "3", "--steps", "4",
            "--out", strip, "--frames", frames);
        Assert.True(interp.Code == 0, interp.Err);
        Assert.Equal(7, Directory.GetFiles(frames, "frame-*.png").Length);
        Assert.Equal((7 * 34 + 2, 36), Size(strip));

        string figure = Out("arith.png");
        var arith = CliTests.Run("arithmetic", "--checkpoint", model.Run, "--a", "1,2,3", "--b", "4,5,6", "--c", "7,8,9", "--out", figure);
        Assert.True(arith.Code == 0, arith.Err);
        Assert.Equal((10 * 34 + 2, 4 * 34 + 2), Size(figure)); // 4 rows; the result row is Y, a gap and 8 neighbours
        using (var bitmap = SKBitmap.Decode(figure))
        {
            // The gap (column 1 of the result row, from x 36, y 104) is black with a mid-grey bar at its middle, x 15-16.
            Assert.Equal(ImageGrid.SeparatorGrey, bitmap.GetPixel(36 + 16, 104 + 10).Red);
            Assert.Equal(ImageGrid.SeparatorGrey, bitmap.GetPixel(36 + 15, 104 + 20).Green);
            Assert.Equal(0, bitmap.GetPixel(36 + 4, 104 + 10).Red);
        }

        foreach (var method in new[] { "sefa", "pca" })
        {
            string dir = Out(method);
            var result = CliTests.Run("directions", "--checkpoint", model.Run, "--method", method, "--k", "2", "--samples", "64",
                "--out", dir);
            Assert.True(result.Code == 0, result.Err);
            Assert.Equal(2, Directory.GetFiles(dir, "direction-*.json").Length);
            Assert.Equal(2, Directory.GetFiles(dir, "direction-*.png").Length);
            Assert.Equal(1.0, AttributeVector.Load(Path.Combine(dir, "direction-00.json")).ToTensor().norm().item<float>(), 4);
        }
    }

    [Theory]
    [InlineData("attribute fit --checkpoint RUN --with 1 --without 2,3 --out x.json", "at least 2 images with and 2 without")]
    [InlineData("attribute fit --checkpoint RUN --with 1,2 --without 2,3 --out x.json", "--with: seeds 2 are labelled both with and without")]
    [InlineData("attribute fit --checkpoint RUN --with 1,a --without 2,3 --out x.json", "--with: 'a' is not a seed")]
    [InlineData("attribute fit --checkpoint RUN --with 1,2 --without 3,4 --method pca --out x.json",
        "--method must be one of mean-diff, balanced, svm (got 'pca')")]
    [InlineData("attribute apply --checkpoint RUN --vector /no/v.json --out x.png", "does not exist")]
    [InlineData("attribute apply --checkpoint RUN --vector V --strengths 1,x --out x.png", "--strengths: 'x' is not a number")]
    [InlineData("attribute apply --checkpoint RUN --vector V --strengths 1000 --out x.png",
        "--strengths: 1000 is out of range (-100 to 100)")]
    [InlineData("interpolate --checkpoint RUN --from 1 --to 2 --steps 1 --out x.png", "--steps must be between 2 and 256")]
    [InlineData("interpolate --checkpoint RUN --from 1 --to 2 --mode cubic --out x.png", "--mode must be one of slerp, lerp (got 'cubic')")]
    [InlineData("directions --checkpoint RUN --method svm --out d", "--method must be one of sefa, pca (got 'svm')")]
    [InlineData("directions --checkpoint RUN --k 9 --out d", "--k must be between 1 and nz = 8")]
    public void Bad_editing_input_is_a_one_line_error(string commandLine, string expected)
    {
        string vector = Out("v.json");
        new AttributeVector { Nz = 8, ModelHash = "x", Vector = new float[8] }.Save(vector);
        var args = commandLine.Replace("RUN", model.Run).Replace(" V ", $" {vector} ").Split(' ');
        var (code, _, err) = CliTests.Run(args);
        Assert.NotEqual(0, code);
        Assert.Contains(expected, err);
    }

    [Fact]
    public void A_vector_of_another_model_needs_force()
    {
        string vector = Out("other.json");
        new AttributeVector { Name = "other", Nz = 8, ModelHash = "0123456789abcdef", Vector = Enumerable.Repeat(0.1f, 8).ToArray() }
            .Save(vector);
        var refused = CliTests.Run("attribute", "apply", "--checkpoint", model.Run, "--vector", vector, "--n", "1", "--out", Out("x.png"));
        Assert.Equal(2, refused.Code);
        Assert.Contains("add --force", refused.Err);
        var forced = CliTests.Run("attribute", "apply", "--checkpoint", model.Run, "--vector", vector, "--n", "1", "--force",
            "--out", Out("x.png"));
        Assert.Equal(0, forced.Code);
        Assert.Contains("warning: vector 'other' was made for model 0123456789ab", forced.Err);
    }
}
