namespace Dcgan.Imaging;

/// <summary>An 8-bit image, rows of interleaved channels (1 = gray, 3 = RGB), top row first.</summary>
public sealed record PixelImage(int Width, int Height, int Channels, byte[] Pixels)
{
    public byte this[int x, int y, int channel] => Pixels[(y * Width + x) * Channels + channel];
}
