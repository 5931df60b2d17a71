using System.Text.Json;
using Dcgan.Imaging;
using Dcgan.Latent;
using static TorchSharp.torch;

namespace Dcgan.Tests;

public class LatentAndImagingTests
{
    [Fact]
    public void Seed_gives_the_same_z_as_pytorch()
    {
        // Made by scripts/fixtures/make_seed_latents.py with PyTorch: torch.manual_seed(s); torch.randn(1, 100, 1, 1)
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "seed-latents.json")));
        foreach (var entry in doc.RootElement.GetProperty("latents").EnumerateObject())
        {
            float[] expected = entry.Value.EnumerateArray().Select(v => v.GetSingle()).ToArray();
            using var z = LatentSampler.ForSeed(long.Parse(entry.Name), 100);
            Assert.Equal(new long[] { 1, 100, 1, 1 }, z.shape);
            float[] actual = z.data<float>().ToArray();
            Assert.Equal(expected.Length, actual.Length);
            Assert.True(expected.Zip(actual).All(p => Math.Abs(p.First - p.Second) < 1e-6), $"seed {entry.Name} differs from PyTorch");
        }
    }

    [Fact]
    public void Seed_lists_parse_as_written_and_reject_nonsense()
    {
        Assert.Equal(new long[] { 3, 7, 12, 13, 14 }, Input.UserInput.SeedList("3,7,12-14"));
        Assert.Throws<InputException>(() => Input.UserInput.SeedList("3,x"));
        Assert.Throws<InputException>(() => Input.UserInput.SeedList("9-2"));
    }

    [Theory]
    [InlineData("z.npy")]
    [InlineData("z.json")]
    public void Latent_files_round_trip(string name)
    {
        string path = Path.Combine(TestData.TempDir("latents"), name);
        using var z = LatentSampler.ForSeeds([1, 2, 3], 10);
        LatentFile.Write(path, z);
        using var back = LatentFile.Read(path, 10);
        Assert.Equal(z.shape, back.shape);
        Assert.True(z.eq(back).all().item<bool>());
        var e = Assert.Throws<InvalidDataException>(() => LatentFile.Read(path, 12));
        Assert.Contains("nz is 12", e.Message);
    }

    [Fact]
    public void Pixel_conversion_maps_minus_one_to_one_onto_bytes_with_rounding_and_clamping()
    {
        using var x = tensor(new float[] { -1f, 1f, 0f, -2f, 3f, 0.5f, -0.999f }).view(1, 1, 1, 7);
        var image = PixelConverter.ToImages(x)[0];
        // round((x + 1) / 2 * 255): 0, 255, 127.5 -> 128 (half to even), clamp, clamp, 191.25 -> 191, 0.1275 -> 0
        Assert.Equal(new byte[] { 0, 255, 128, 0, 255, 191, 0 }, image.Pixels);
        using var back = PixelConverter.FromByteTensor(tensor(new byte[] { 0, 255 }));
        Assert.Equal(new[] { -1f, 1f }, back.data<float>().ToArray());
    }

    [Fact]
    public void Rgb_channels_stay_in_order_from_tensor_to_png()
    {
        // A red, green, blue row: channel order bugs (BGRA decode, swapped planes) show here.
        using var x = zeros(1, 3, 1, 3).sub(1);
        x[0, 0, 0, 0] = tensor(1f); x[0, 1, 0, 1] = tensor(1f); x[0, 2, 0, 2] = tensor(1f);
        var image = PixelConverter.ToImages(x)[0];
        Assert.Equal(new byte[] { 255, 0, 0, 0, 255, 0, 0, 0, 255 }, image.Pixels);
        using var decoded = SkiaSharp.SKBitmap.Decode(Png.Encode(image));
        Assert.Equal(new SkiaSharp.SKColor(255, 0, 0), decoded.GetPixel(0, 0));
        Assert.Equal(new SkiaSharp.SKColor(0, 255, 0), decoded.GetPixel(1, 0));
        Assert.Equal(new SkiaSharp.SKColor(0, 0, 255), decoded.GetPixel(2, 0));
    }

    [Fact]
    public void Grid_matches_make_grid_layout()
    {
        var tile = new PixelImage(4, 3, 3, Enumerable.Repeat((byte)200, 4 * 3 * 3).ToArray());
        var grid = ImageGrid.Make(Enumerable.Repeat(tile, 10).ToList(), nrow: 4);
        // make_grid: 4 columns, 3 rows; each cell (w + 2) x (h + 2), plus 2 on the far edges.
        Assert.Equal(4 * 6 + 2, grid.Width);
        Assert.Equal(3 * 5 + 2, grid.Height);
        Assert.Equal(0, grid[0, 0, 0]);     // padding is black
        Assert.Equal(200, grid[2, 2, 1]);   // first tile starts at (2, 2)
        Assert.Equal(0, grid[6, 2, 0]);     // gap between tiles
        Assert.Equal(200, grid[8, 2, 2]);   // second tile
        Assert.Equal(0, grid[grid.Width - 3, grid.Height - 3, 0]); // the empty cells of the last row stay black
        Assert.Same(tile, ImageGrid.Make([tile])); // a single image has no padding
    }
}

public class PixelRgbaTests
{
    [Fact]
    public void Gray_and_rgb_pixels_become_opaque_rgba_the_one_way_png_and_features_use()
    {
        var gray = new Imaging.PixelImage(2, 1, 1, [7, 200]);
        Assert.Equal(new byte[] { 7, 7, 7, 255, 200, 200, 200, 255 }, gray.ToRgba());
        var rgb = new Imaging.PixelImage(1, 2, 3, [1, 2, 3, 4, 5, 6]);
        Assert.Equal(new byte[] { 1, 2, 3, 255, 4, 5, 6, 255 }, rgb.ToRgba());
        // PNG bytes decode back to the same pixels.
        using var decoded = SkiaSharp.SKBitmap.Decode(Imaging.Png.Encode(rgb));
        Assert.Equal(new SkiaSharp.SKColor(4, 5, 6, 255), decoded.GetPixel(0, 1));
    }
}
