using Dcgan.Imaging;
using SkiaSharp;

namespace Dcgan.Data;

/// <summary>
/// The tutorial's transform on 8-bit pixels: resize the shorter side to the image size (bilinear with mipmaps, so
/// large downscales do not alias), center crop, composite transparency on white, and gray or RGB as the model
/// needs. Output is planar (C, H, W) bytes; scaling to [-1, 1] happens on the batch (<see cref="PixelConverter"/>).
/// </summary>
internal static class ImageTransform
{
    private static readonly SKSamplingOptions Sampling = new(SKFilterMode.Linear, SKMipmapMode.Linear);

    public static byte[] Apply(SourceImage source, int size, int channels)
    {
        using var image = source.Raw is { } raw ? FromPixels(raw) : Decode(source);
        return Render(image, size, channels);
    }

    /// <summary>
    /// Images larger than this are refused before decoding: a small file can claim a huge canvas
    /// (20000 x 20000 PNG: 432 KB, 1.6 GB decoded).
    /// </summary>
    public const long MaxPixels = 64L << 20;

    private static SKImage Decode(SourceImage source)
    {
        if (source.Encoded is { Length: 0 }) throw new InvalidDataException($"{source.Name}: the image is empty (0 bytes)");
        using var data = SKData.CreateCopy(source.Encoded ?? []);
        using var codec = SKCodec.Create(data)
            ?? throw new InvalidDataException($"{source.Name}: not a decodable image (png, jpg, webp, bmp or gif)");
        var info = codec.Info;
        if ((long)info.Width * info.Height > MaxPixels)
            throw new InvalidDataException($"{source.Name}: {info.Width}x{info.Height} pixels is too large to read " +
                $"(at most {MaxPixels / (1 << 20)} megapixels); scale it down first");
        using var bitmap = SKBitmap.Decode(codec)
            ?? throw new InvalidDataException($"{source.Name}: the image data is damaged and could not be decoded");
        return SKImage.FromBitmap(bitmap);
    }

    private static SKImage FromPixels(PixelImage raw)
    {
        if (raw.Channels == 1)
            return SKImage.FromPixelCopy(new SKImageInfo(raw.Width, raw.Height, SKColorType.Gray8, SKAlphaType.Opaque), raw.Pixels);
        return SKImage.FromPixelCopy(new SKImageInfo(raw.Width, raw.Height, SKColorType.Rgba8888, SKAlphaType.Opaque), raw.ToRgba());
    }

    private static byte[] Render(SKImage image, int size, int channels)
    {
        // torchvision Resize(size): the shorter side becomes size, the longer int(size * long / short); then CenterCrop.
        int w = image.Width, h = image.Height;
        int newW = w <= h ? size : (int)((long)size * w / h);
        int newH = h <= w ? size : (int)((long)size * h / w);
        int left = (int)Math.Round((newW - size) / 2.0), top = (int)Math.Round((newH - size) / 2.0);

        var info = new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info);
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        canvas.DrawImage(image, SKRect.Create(-left, -top, newW, newH), Sampling);
        var rgba = Imaging.SkiaPixels.ReadRgba(surface, info);

        int plane = size * size;
        var planar = new byte[plane * channels];
        for (int i = 0; i < plane; i++)
        {
            byte r = rgba[4 * i], g = rgba[4 * i + 1], b = rgba[4 * i + 2];
            if (channels == 1)
                planar[i] = (byte)Math.Round(0.299 * r + 0.587 * g + 0.114 * b); // ITU-R 601 luma, as PIL's convert("L")
            else
            {
                planar[i] = r; planar[plane + i] = g; planar[2 * plane + i] = b;
            }
        }
        return planar;
    }
}
