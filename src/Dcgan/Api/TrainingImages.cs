using Dcgan.Data;
using Dcgan.Imaging;

namespace Dcgan;

/// <summary>
/// A data set as the trainer sees it: every image decoded once, resized (shorter side) and centre-cropped to a square,
/// as the tutorial's <c>transforms.Resize</c> and <c>CenterCrop</c> do, and kept in a pixel cache on disk.
/// </summary>
public sealed class TrainingImages : IDisposable
{
    internal PixelCache Cache { get; }

    private TrainingImages(PixelCache cache, string description)
    {
        Cache = cache;
        Description = description;
    }

    /// <summary>
    /// Opens a data set: a folder of images (searched recursively), a .zip (as CelebA's img_align_celeba.zip), an
    /// MNIST-style IDX file (gray), or "emoji" for the built-in set of 2,065 emoji faces and people.
    /// </summary>
    /// <param name="data">What to read.</param>
    /// <param name="imageSize">The square size images are brought to (32, 64 or 128).</param>
    /// <param name="cacheDirectory">Where the decoded pixels are kept; null: runs/.cache, where training keeps them too.</param>
    /// <exception cref="ArgumentException">The data is missing or of a kind this library does not read.</exception>
    /// <exception cref="InvalidDataException">It holds no readable image.</exception>
    public static TrainingImages Open(string data = DataSource.Emoji, int imageSize = 64, string? cacheDirectory = null)
    {
        if (!Models.ModelOptions.SupportedImageSizes.Contains(imageSize))
            throw new ArgumentOutOfRangeException(nameof(imageSize), imageSize,
                $"image sizes are {string.Join(", ", Models.ModelOptions.SupportedImageSizes)}");
        var source = DataSource.Resolve(data);
        var cache = PixelCache.Open(source, imageSize, source is IdxImageSource ? 1 : 3,
            cacheDirectory ?? Path.GetFullPath(Path.Combine("runs", ".cache")));
        if (cache.Count == 0)
        {
            cache.Dispose();
            throw new InvalidDataException($"{source.Description} holds no readable images");
        }
        return new TrainingImages(cache, source.Description);
    }

    /// <summary>What was read, e.g. "zip /path/emoji.zip".</summary>
    public string Description { get; }

    /// <summary>How many images there are.</summary>
    public int Count => Cache.Count;

    /// <summary>Their width and height in pixels.</summary>
    public int ImageSize => Cache.Info.Size;

    /// <summary>3 (RGB) or 1 (gray).</summary>
    public int Channels => Cache.Info.Channels;

    /// <summary>Files that could not be read and were left out, each with the reason.</summary>
    public IReadOnlyList<string> Skipped => Cache.Info.Skipped;

    /// <summary>The first <paramref name="count"/> images as a grid, the tutorial's "Training Images" figure.</summary>
    public GeneratedImage Grid(int count = 64, int columns = 8)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "a grid needs at least one image");
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), columns, "a grid needs at least one column");
        int n = Math.Min(count, Count), size = ImageSize, channels = Channels, pixels = size * size;
        byte[] planar = Cache.Gather([.. Enumerable.Range(0, n)]);
        var images = new List<PixelImage>(n);
        for (int i = 0; i < n; i++)
        {
            // The cache holds C, H, W planes; an image is rows of interleaved channels.
            var interleaved = new byte[pixels * channels];
            for (int c = 0; c < channels; c++)
                for (int p = 0; p < pixels; p++) interleaved[p * channels + c] = planar[(i * channels + c) * pixels + p];
            images.Add(new PixelImage(size, size, channels, interleaved));
        }
        return new GeneratedImage(ImageGrid.Make(images, columns));
    }

    /// <summary>Closes the pixel cache.</summary>
    public void Dispose() => Cache.Dispose();
}
