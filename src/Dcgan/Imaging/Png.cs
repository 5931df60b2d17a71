using SkiaSharp;

namespace Dcgan.Imaging;

/// <summary>PNG encoding through SkiaSharp. Gray and RGB both go out as opaque RGBA, so every writer makes the same bytes.</summary>
internal static class Png
{
    public static byte[] Encode(PixelImage image)
    {
        var rgba = image.ToRgba();
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var skImage = SKImage.FromPixelCopy(info, rgba);
        using var data = skImage.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Writes through a temporary file and a rename, so a reader never sees half a PNG.</summary>
    public static void Save(PixelImage image, string path) => AtomicFile.WriteAllBytes(path, Encode(image));
}
