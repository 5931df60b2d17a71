using SkiaSharp;

namespace Dcgan.Imaging;

/// <summary>PNG encoding through SkiaSharp. Gray and RGB both go out as opaque RGBA, so every writer makes the same bytes.</summary>
public static class Png
{
    public static byte[] Encode(PixelImage image)
    {
        var rgba = new byte[image.Width * image.Height * 4];
        int n = image.Width * image.Height;
        for (int i = 0; i < n; i++)
        {
            if (image.Channels == 1)
            {
                byte v = image.Pixels[i];
                rgba[4 * i] = v; rgba[4 * i + 1] = v; rgba[4 * i + 2] = v;
            }
            else
            {
                rgba[4 * i] = image.Pixels[3 * i];
                rgba[4 * i + 1] = image.Pixels[3 * i + 1];
                rgba[4 * i + 2] = image.Pixels[3 * i + 2];
            }
            rgba[4 * i + 3] = 255;
        }
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var skImage = SKImage.FromPixelCopy(info, rgba);
        using var data = skImage.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Writes through a temporary file and a rename, so a reader never sees half a PNG.</summary>
    public static void Save(PixelImage image, string path) => AtomicFile.WriteAllBytes(path, Encode(image));
}
