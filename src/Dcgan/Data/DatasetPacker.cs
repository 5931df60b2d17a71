using System.IO.Compression;
using Dcgan.Imaging;

namespace Dcgan.Data;

/// <summary>Packs a folder into a zip of PNGs passed through the training transform (so composited on white).</summary>
internal static class DatasetPacker
{
    public const string LabelsEntry = "labels.json";

    public static PixelCacheInfo Pack(string folder, string zipPath, int size)
    {
        if (!Directory.Exists(folder)) throw new InputException("from", InputProblem.NotFound, $"'{folder}' is not a folder");
        var source = new FolderImageSource(folder);
        var names = new List<string>();
        var skipped = new List<string>();
        AtomicFile.Write(zipPath, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            foreach (var image in source.Read())
            {
                byte[] planar;
                try { planar = ImageTransform.Apply(image, size, 3); }
                catch (Exception e) { skipped.Add($"{image.Name}: {e.Message}"); continue; }
                var png = Png.Encode(Interleave(planar, size));
                using var entry = zip.CreateEntry(Path.ChangeExtension(image.Name, ".png"), CompressionLevel.NoCompression).Open();
                entry.Write(png); // PNG is already deflated
                names.Add(image.Name);
            }
            // Thrown inside the write, so the temporary file goes and no empty zip is left where a data set was expected.
            if (names.Count == 0)
                throw new InvalidDataException($"{folder} holds no readable images ({skipped.Count} file(s) skipped" +
                    (skipped.Count > 0 ? $": {string.Join("; ", skipped.Take(3))}" : "") + "); nothing to pack, nothing written");
            string labels = Path.Combine(folder, LabelsEntry);
            if (File.Exists(labels)) zip.CreateEntryFromFile(labels, LabelsEntry, CompressionLevel.SmallestSize);
            foreach (var notice in new[] { "LICENSE", "NOTICE" }.Select(n => Path.Combine(folder, n)).Where(File.Exists))
                zip.CreateEntryFromFile(notice, Path.GetFileName(notice), CompressionLevel.SmallestSize);
        });
        return new PixelCacheInfo(source.Description, "", names.Count, 3, size, names, skipped);
    }

    /// <summary>Planar (C, H, W) bytes -> interleaved <see cref="PixelImage"/>.</summary>
    public static PixelImage Interleave(byte[] planar, int size)
    {
        int plane = size * size, channels = planar.Length / plane;
        var pixels = new byte[planar.Length];
        for (int i = 0; i < plane; i++)
            for (int c = 0; c < channels; c++)
                pixels[i * channels + c] = planar[c * plane + i];
        return new PixelImage(size, size, channels, pixels);
    }
}
