namespace Dcgan.Imaging;

/// <summary>Which image format a file's first bytes announce, so a picture given where a data file belongs is named as one.</summary>
internal static class ImageFormat
{
    /// <summary>"PNG", "JPEG", "GIF", "WebP" or "BMP" from the file's signature; null for anything else.</summary>
    public static string? Of(ReadOnlySpan<byte> head) =>
        head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G']) ? "PNG"
        : head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? "JPEG"
        : head.StartsWith("GIF8"u8) ? "GIF"
        : head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8) ? "WebP"
        : head.StartsWith("BM"u8) && head.Length >= 14 ? "BMP"
        : null;
}
