using System.Buffers.Binary;
using System.IO.Compression;

namespace Dcgan.Data;

/// <summary>The IDX format of MNIST: big-endian magic (0x00000803 images, 0x00000801 labels), dimensions, then bytes.</summary>
internal static class IdxFile
{
    public const int ImagesMagic = 0x00000803;
    public const int LabelsMagic = 0x00000801;

    public static (int Count, int Rows, int Columns, byte[] Pixels) ReadImages(string path)
    {
        using var stream = Open(path);
        int magic = ReadInt(stream, path);
        if (magic != ImagesMagic)
            throw new InvalidDataException(
                $"{path} is not an IDX image file: magic 0x{magic:X8}, expected 0x{ImagesMagic:X8} (idx3-ubyte)");
        int count = ReadInt(stream, path), rows = ReadInt(stream, path), columns = ReadInt(stream, path);
        if (count < 0 || rows <= 0 || columns <= 0 || (long)count * rows * columns > int.MaxValue)
            throw new InvalidDataException($"{path} has impossible dimensions {count} x {rows} x {columns}");
        var pixels = new byte[count * rows * columns];
        ReadAll(stream, pixels, path);
        return (count, rows, columns, pixels);
    }

    public static byte[] ReadLabels(string path)
    {
        using var stream = Open(path);
        int magic = ReadInt(stream, path);
        if (magic != LabelsMagic)
            throw new InvalidDataException(
                $"{path} is not an IDX label file: magic 0x{magic:X8}, expected 0x{LabelsMagic:X8} (idx1-ubyte)");
        var labels = new byte[ReadInt(stream, path)];
        ReadAll(stream, labels, path);
        return labels;
    }

    public static void WriteImages(string path, int rows, int columns, byte[] pixels)
    {
        using var stream = Create(path);
        foreach (int v in new[] { ImagesMagic, pixels.Length / (rows * columns), rows, columns }) WriteInt(stream, v);
        stream.Write(pixels);
    }

    public static void WriteLabels(string path, byte[] labels)
    {
        using var stream = Create(path);
        WriteInt(stream, LabelsMagic);
        WriteInt(stream, labels.Length);
        stream.Write(labels);
    }

    public static bool LooksLikeIdx(string path)
    {
        string name = Path.GetFileName(path).ToLowerInvariant();
        return name.Contains("idx3-ubyte") || name.EndsWith(".idx3") || name.Contains("idx1-ubyte");
    }

    private static Stream Open(string path)
    {
        Stream file = File.OpenRead(path);
        return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(file, CompressionMode.Decompress)
            : new BufferedStream(file);
    }

    private static Stream Create(string path)
    {
        Stream file = File.Create(path);
        return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionLevel.Fastest) : file;
    }

    private static int ReadInt(Stream stream, string path)
    {
        Span<byte> buffer = stackalloc byte[4];
        try { stream.ReadExactly(buffer); }
        catch (EndOfStreamException) { throw new InvalidDataException($"{path} ends inside its IDX header"); }
        return BinaryPrimitives.ReadInt32BigEndian(buffer);
    }

    private static void ReadAll(Stream stream, byte[] buffer, string path)
    {
        try { stream.ReadExactly(buffer); }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"{path} is shorter than its IDX header says ({buffer.Length} data bytes expected)");
        }
    }

    private static void WriteInt(Stream stream, int value)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(buffer, value);
        stream.Write(buffer);
    }
}
