using SkiaSharp;

namespace Dcgan.Imaging;

/// <summary>The one read of a drawn Skia surface back into bytes (RGBA, row after row), for the data transform and the features.</summary>
internal static class SkiaPixels
{
    public static byte[] ReadRgba(SKSurface surface, SKImageInfo info)
    {
        var rgba = new byte[info.Width * info.Height * 4];
        unsafe
        {
            fixed (byte* p = rgba) surface.ReadPixels(info, (IntPtr)p, info.Width * 4, 0, 0);
        }
        return rgba;
    }
}
