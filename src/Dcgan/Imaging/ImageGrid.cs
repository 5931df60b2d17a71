namespace Dcgan.Imaging;

/// <summary>Tiles images as torchvision's make_grid: <c>nrow</c> per row, <c>padding</c> pixels of <c>padValue</c> around each.</summary>
internal static class ImageGrid
{
    public const int DefaultPadding = 2;
    /// <summary>torchvision's make_grid pads with 0, black.</summary>
    public const byte DefaultPadValue = 0;

    public static PixelImage Make(IReadOnlyList<PixelImage> images, int nrow = 8, int padding = DefaultPadding, byte padValue = DefaultPadValue)
    {
        if (images.Count == 0) throw new ArgumentException("a grid needs at least one image");
        if (nrow < 1) throw new InputException("nrow", InputProblem.OutOfRange, $"must be at least 1 (got {nrow})");
        if (images.Count == 1) return images[0]; // a single image is written as it is, without padding
        var first = images[0];
        if (images.Any(i => i.Width != first.Width || i.Height != first.Height || i.Channels != first.Channels))
            throw new ArgumentException("all images of a grid must have the same size and channels");

        int columns = Math.Min(nrow, images.Count);
        int rows = (images.Count + columns - 1) / columns;
        int cellW = first.Width + padding, cellH = first.Height + padding, c = first.Channels;
        int width = columns * cellW + padding, height = rows * cellH + padding;
        var pixels = new byte[width * height * c];
        if (padValue != 0) Array.Fill(pixels, padValue);
        for (int k = 0; k < images.Count; k++)
        {
            int x0 = (k % columns) * cellW + padding, y0 = (k / columns) * cellH + padding;
            int rowBytes = first.Width * c;
            for (int y = 0; y < first.Height; y++)
                Buffer.BlockCopy(images[k].Pixels, y * rowBytes, pixels, ((y0 + y) * width + x0) * c, rowBytes);
        }
        return new PixelImage(width, height, c, pixels);
    }

    /// <summary>
    /// A cell that separates parts of a row: the padding's colour with a 2-pixel mid-grey bar down its middle, visible on
    /// white backgrounds (emoji) and on black ones (Fashion-MNIST) alike, where an empty black cell vanishes.
    /// </summary>
    public static PixelImage Separator(int width, int height, int channels, byte padValue = DefaultPadValue)
    {
        var pixels = Enumerable.Repeat(padValue, width * height * channels).ToArray();
        for (int y = 0; y < height; y++)
            for (int x = width / 2 - 1; x <= width / 2; x++)
                for (int c = 0; c < channels; c++)
                    pixels[(y * width + x) * channels + c] = SeparatorGrey;
        return new PixelImage(width, height, channels, pixels);
    }

    /// <summary>The separator bar's grey level.</summary>
    public const byte SeparatorGrey = 128;

    /// <summary>A figure of rows of different lengths (null = an empty cell), each row starting at the left.</summary>
    public static PixelImage MakeRows(IReadOnlyList<IReadOnlyList<PixelImage?>> rows, int padding = DefaultPadding, byte padValue = DefaultPadValue)
    {
        var first = rows.SelectMany(r => r).FirstOrDefault(i => i is not null)
            ?? throw new ArgumentException("a figure needs at least one image");
        int columns = rows.Max(r => r.Count);
        var blank = new PixelImage(first.Width, first.Height, first.Channels, Enumerable.Repeat(padValue, first.Pixels.Length).ToArray());
        var cells = rows.SelectMany(r => r.Concat(Enumerable.Repeat<PixelImage?>(null, columns - r.Count)))
            .Select(i => i ?? blank)
            .ToList();
        return cells.Count == 1 ? cells[0] : Make(cells, columns, padding, padValue);
    }
}
