namespace Dcgan.Imaging;

/// <summary>An 8-bit image, rows of interleaved channels (1 = gray, 3 = RGB), top row first.</summary>
internal sealed record PixelImage(int Width, int Height, int Channels, byte[] Pixels)
{
    public byte this[int x, int y, int channel] => Pixels[(y * Width + x) * Channels + channel];

    /// <summary>
    /// The pixels as opaque RGBA (gray copied to R, G and B), the layout Skia takes: the one conversion that PNG encoding,
    /// the data transform and the feature extractor share.
    /// </summary>
    public byte[] ToRgba()
    {
        int n = Width * Height;
        var rgba = new byte[n * 4];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < 3; c++) rgba[4 * i + c] = Pixels[i * Channels + (Channels == 1 ? 0 : c)];
            rgba[4 * i + 3] = 255;
        }
        return rgba;
    }
}
