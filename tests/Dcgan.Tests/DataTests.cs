using System.IO.Compression;
using Dcgan.Data;
using Dcgan.Imaging;

namespace Dcgan.Tests;

public class DataTests
{
    private static byte[] Pixel(PixelCache cache, int index) => cache.Gather([index]);

    [Fact]
    public void Folder_source_reads_recursively_resizes_crops_and_skips_corrupt_files()
    {
        string dir = TestData.TempDir("folder");
        TestData.ImageFolder(3, 40, Path.Combine(dir, "a"));
        TestData.ImageFolder(2, 40, Path.Combine(dir, "b", "deeper"));
        File.WriteAllText(Path.Combine(dir, "broken.png"), "not an image");
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "ignored: not an image extension");
        // 80 x 40: red in the outer quarters, blue in the middle half. Resizing the shorter side to 16 gives 32 x 16 and the
        // centre crop keeps the middle half (all blue); a plain squash to 16 x 16 would keep red at both edges.
        File.WriteAllBytes(Path.Combine(dir, "wide.png"), TestData.EncodePng(80, 40, (x, _) => x is < 20 or >= 60
            ? ((byte)255, (byte)0, (byte)0, (byte)255) : ((byte)0, (byte)0, (byte)255, (byte)255)));

        using var cache = PixelCache.Open(new FolderImageSource(dir), 16, 3, TestData.TempDir("cache"));
        Assert.Equal(6, cache.Count);
        Assert.Single(cache.Info.Skipped);
        Assert.Contains("broken.png", cache.Info.Skipped[0]);
        Assert.Equal(Path.Combine("b", "deeper", "img000.png"), cache.Info.Names[3]);

        int wide = cache.Info.Names.IndexOf("wide.png");
        var pixels = Pixel(cache, wide); // planar R, G, B planes of 16 x 16
        foreach (int x in new[] { 0, 2, 8, 13, 15 })     // every column, edges included, is blue: cropped, not squashed
        {
            Assert.True(pixels[0 * 256 + 8 * 16 + x] < 10, $"column {x} has red {pixels[0 * 256 + 8 * 16 + x]}");
            Assert.True(pixels[2 * 256 + 8 * 16 + x] > 245, $"column {x} has blue {pixels[2 * 256 + 8 * 16 + x]}");
        }
    }

    [Fact]
    public void Transparent_pixels_are_composited_on_white_and_gray_uses_luma()
    {
        string dir = TestData.TempDir("alpha");
        File.WriteAllBytes(Path.Combine(dir, "clear.png"),
            TestData.EncodePng(8, 8, (x, _) => x < 4 ? ((byte)0, (byte)0, (byte)0, (byte)0) : ((byte)0, (byte)255, (byte)0, (byte)255)));
        using var rgb = PixelCache.Open(new FolderImageSource(dir), 8, 3, TestData.TempDir("cache"));
        var p = Pixel(rgb, 0);
        Assert.Equal(new byte[] { 255, 255, 255 }, new[] { p[3 * 8 + 1], p[64 + 3 * 8 + 1], p[128 + 3 * 8 + 1] }); // transparent -> white
        Assert.Equal(new byte[] { 0, 255, 0 }, new[] { p[3 * 8 + 6], p[64 + 3 * 8 + 6], p[128 + 3 * 8 + 6] });
        using var gray = PixelCache.Open(new FolderImageSource(dir), 8, 1, TestData.TempDir("cache"));
        var g = Pixel(gray, 0);
        Assert.Equal(64, g.Length);
        Assert.Equal(255, g[3 * 8 + 1]);
        Assert.Equal(150, g[3 * 8 + 6]); // 0.587 * 255 = 149.7
    }

    [Fact]
    public void Zip_source_reads_images_in_place_with_the_same_pixels_as_the_folder()
    {
        string dir = TestData.ImageFolder(4);
        string zipPath = Path.Combine(TestData.TempDir("zip"), "img_align_celeba.zip");
        ZipFile.CreateFromDirectory(dir, zipPath, CompressionLevel.Fastest, includeBaseDirectory: true);
        using var fromZip = PixelCache.Open(DataSource.Resolve(zipPath), 16, 3, TestData.TempDir("cache"));
        using var fromFolder = PixelCache.Open(DataSource.Resolve(dir), 16, 3, TestData.TempDir("cache"));
        Assert.Equal(4, fromZip.Count);
        Assert.Equal(fromFolder.Gather([0, 1, 2, 3]), fromZip.Gather([0, 1, 2, 3]));
    }

    [Theory]
    [InlineData("train-images-idx3-ubyte")]
    [InlineData("train-images-idx3-ubyte.gz")]
    public void Idx_pair_written_here_reads_back(string name)
    {
        string dir = TestData.TempDir("idx");
        var pixels = new byte[5 * 28 * 28];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i % 251);
        IdxFile.WriteImages(Path.Combine(dir, name), 28, 28, pixels);
        string labelsName = name.Replace("images-idx3", "labels-idx1");
        IdxFile.WriteLabels(Path.Combine(dir, labelsName), [3, 1, 4, 1, 5]);

        Assert.Equal(new byte[] { 3, 1, 4, 1, 5 }, IdxFile.ReadLabels(Path.Combine(dir, labelsName)));
        var source = DataSource.Resolve(Path.Combine(dir, name));
        Assert.IsType<IdxImageSource>(source);
        using var cache = PixelCache.Open(source, 28, 1, TestData.TempDir("cache"));
        Assert.Equal(5, cache.Count);
        Assert.Equal(pixels.AsSpan(28 * 28, 28 * 28).ToArray(), cache.Gather([1])); // 28 -> 28 leaves pixels unchanged
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.ReadImages(Path.Combine(dir, labelsName)));
        Assert.Contains("not an IDX image file", e.Message);
    }

    [Fact]
    public void Cache_is_reused_and_a_changed_data_set_invalidates_it()
    {
        string dir = TestData.ImageFolder(3);
        string cacheDir = TestData.TempDir("cache");
        using (var first = PixelCache.Open(new FolderImageSource(dir), 16, 3, cacheDir)) Assert.Equal(3, first.Count);
        var files = Directory.GetFiles(cacheDir, "*.u8");
        var stamp = File.GetLastWriteTimeUtc(files.Single());
        using (var again = PixelCache.Open(new FolderImageSource(dir), 16, 3, cacheDir)) Assert.Equal(3, again.Count);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(Directory.GetFiles(cacheDir, "*.u8").Single())); // not decoded again

        TestData.ImageFolder(1, 40, Path.Combine(dir, "more"));
        using var changed = PixelCache.Open(new FolderImageSource(dir), 16, 3, cacheDir);
        Assert.Equal(4, changed.Count);
    }

    [Fact]
    public void Missing_or_unusable_data_is_a_clear_error()
    {
        Assert.Contains("does not exist", Assert.Throws<InputException>(() => DataSource.Resolve("/no/such/place")).Message);
        string text = Path.Combine(TestData.TempDir("bad"), "data.csv");
        File.WriteAllText(text, "x");
        Assert.Contains("neither a .zip", Assert.Throws<InputException>(() => DataSource.Resolve(text)).Message);
    }

    [Fact]
    public void An_empty_data_set_stops_training_before_it_starts()
    {
        string empty = TestData.TempDir("empty");
        File.WriteAllText(Path.Combine(empty, "broken.jpg"), "not a jpeg");
        string run = Path.Combine(TestData.TempDir("run"), "run");
        var options = new Dcgan.Training.TrainingOptions { Data = empty, OutDir = run, CacheDir = TestData.TempDir("cache") };
        var e = Assert.Throws<InvalidDataException>(() => new Dcgan.Training.Trainer(options).Run(resume: false));
        Assert.Contains("holds no readable images (1 file(s) skipped)", e.Message);
        Assert.False(Directory.Exists(Path.Combine(run, "checkpoints")));
    }

    [Fact]
    public void Batches_cover_each_epoch_once_and_depend_only_on_seed_and_step()
    {
        string dir = TestData.ImageFolder(10);
        using var cache = PixelCache.Open(new FolderImageSource(dir), 8, 3, TestData.TempDir("cache"));
        using var loader = new BatchLoader(cache, 4, seed: 7);
        Assert.Equal(3, loader.StepsPerEpoch);
        var epoch0 = Enumerable.Range(0, 3).SelectMany(s => loader.IndicesFor(s)).ToList();
        Assert.Equal(Enumerable.Range(0, 10), epoch0.Order());
        Assert.Equal(2, loader.IndicesFor(2).Length); // the last batch is smaller, as PyTorch's DataLoader
        var epoch1 = Enumerable.Range(3, 3).SelectMany(s => loader.IndicesFor(s)).ToList();
        Assert.NotEqual(epoch0, epoch1); // reshuffled
        using var fresh = new BatchLoader(cache, 4, seed: 7);
        Assert.Equal(loader.IndicesFor(4), fresh.IndicesFor(4));
        Assert.Equal(cache.Gather(loader.IndicesFor(1)), loader.Take(1, out int count));
        Assert.Equal(4, count);
    }

    [Fact]
    public void Built_in_emoji_set_ships_with_labels()
    {
        var source = Assert.IsType<ZipImageSource>(DataSource.Resolve("emoji"));
        Assert.True(new FileInfo(source.Path).Length <= 10 * 1024 * 1024, "the built-in set stays under 10 MB");
        string labels = source.ReadText(DatasetPacker.LabelsEntry)!;
        Assert.Contains("\"skin_tone\":\"dark\"", labels);
        Assert.Contains("\"gender\":\"woman\"", labels);
        Assert.Contains("Apache", source.ReadText("NOTICE")!);
        Assert.True(source.Read().Count() > 1500);
    }
}

public class CelebaLayoutTests
{
    private static string AttributeFile(string text)
    {
        string path = Path.Combine(TestData.TempDir("celeba"), "list_attr_celeba.txt");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void List_attr_celeba_reads_as_the_file_lays_it_out()
    {
        // The real file's layout: a count, the names, then rows padded with two spaces before positive values.
        string path = AttributeFile("3\n5_o_Clock_Shadow Arched_Eyebrows Male Smiling \n" +
            "000001.jpg -1  1 -1  1\n000002.jpg -1 -1  1  1\n000003.jpg  1 -1  1 -1\n");
        var table = CelebaAttributes.Read(path);
        Assert.Equal(new[] { "5_o_Clock_Shadow", "Arched_Eyebrows", "Male", "Smiling" }, table.Names);
        Assert.Equal(3, table.Count);
        Assert.False(table.Has("img_align_celeba/000001.jpg", "Male"));
        Assert.True(table.Has("000002.jpg", "male"));
        Assert.True(table.Has("000003.jpg", "5_o_Clock_Shadow"));
        Assert.Null(table.Has("999999.jpg", "Male"));
        Assert.Contains("unknown attribute 'Beard'", Assert.Throws<InputException>(() => table.Has("000001.jpg", "Beard")).Message);
    }

    [Theory]
    [InlineData("2\nA B\n1.jpg 1 -1\n", "announces 2 images but 1 rows")]
    [InlineData("1\nA B\n1.jpg 1\n", "line 3 has 1 values, expected 2")]
    [InlineData("1\nA B\n1.jpg 1 0\n", "'0' is neither 1 nor -1")]
    [InlineData("x\nA B\n", "line 1 must be the image count")]
    public void Malformed_attribute_files_name_the_problem(string text, string expected)
    {
        Assert.Contains(expected, Assert.Throws<InvalidDataException>(() => CelebaAttributes.Read(AttributeFile(text))).Message);
    }

    [Fact]
    public void Jpeg_images_in_celeba_folder_layout_decode()
    {
        string root = TestData.TempDir("celeba-folder");
        string folder = Path.Combine(root, "img_align_celeba");
        Directory.CreateDirectory(folder);
        for (int i = 1; i <= 3; i++)
        {
            // 178 x 218 like CelebA's aligned images; a grey level per image.
            var info = new SkiaSharp.SKImageInfo(178, 218, SkiaSharp.SKColorType.Rgba8888, SkiaSharp.SKAlphaType.Opaque);
            using var surface = SkiaSharp.SKSurface.Create(info);
            surface.Canvas.Clear(new SkiaSharp.SKColor((byte)(i * 60), (byte)(i * 60), (byte)(i * 60)));
            using var data = surface.Snapshot().Encode(SkiaSharp.SKEncodedImageFormat.Jpeg, 95);
            File.WriteAllBytes(Path.Combine(folder, $"{i:D6}.jpg"), data.ToArray());
        }
        using var cache = PixelCache.Open(DataSource.Resolve(root), 64, 3, TestData.TempDir("cache"));
        Assert.Equal(3, cache.Count);
        Assert.Equal(Path.Combine("img_align_celeba", "000002.jpg"), cache.Info.Names[1]);
        Assert.InRange(cache.Gather([1])[64 * 32 + 32], 118, 122); // grey 120 survives JPEG, resize and crop
    }
}
