using Dcgan.Imaging;

namespace Dcgan;

/// <summary>
/// An image a generator drew: 8-bit pixels, rows of interleaved channels (RGB, or one gray channel), top row first.
/// The PNG bytes are the ones the <c>dcgan</c> command and the studio write for the same seed.
/// </summary>
public sealed class GeneratedImage
{
    private readonly PixelImage image;

    internal GeneratedImage(PixelImage image) => this.image = image;

    /// <summary>Width in pixels.</summary>
    public int Width => image.Width;

    /// <summary>Height in pixels.</summary>
    public int Height => image.Height;

    /// <summary>Channels per pixel: 3 (RGB) or 1 (gray).</summary>
    public int Channels => image.Channels;

    /// <summary>The pixels, <see cref="Width"/> x <see cref="Height"/> x <see cref="Channels"/> bytes (a copy).</summary>
    public byte[] Pixels => (byte[])image.Pixels.Clone();

    /// <summary>The pixels as opaque RGBA, 4 bytes per pixel (gray copied to R, G and B): what canvases and bitmaps take.</summary>
    public byte[] ToRgba() => image.ToRgba();

    /// <summary>The image as PNG file bytes.</summary>
    public byte[] ToPng() => Png.Encode(image);

    /// <summary>Writes the image as a PNG file (to a temporary file first, so a crash never leaves half a file).</summary>
    public void SavePng(string path) => Png.Save(image, path);

    internal PixelImage Pixel => image;
}
