using System.Collections.Concurrent;
using System.IO.MemoryMappedFiles;
using System.Text.Json;
using Dcgan.Imaging;

namespace Dcgan.Data;

/// <summary>What a cache build found: the images kept and the files that could not be read.</summary>
internal sealed record PixelCacheInfo(string Source, string Fingerprint, int Count, int Channels, int Size, List<string> Names,
    List<string> Skipped);

/// <summary>Progress of a cache build: images decoded so far and those skipped.</summary>
internal readonly record struct CacheProgress(int Decoded, int Skipped);

/// <summary>
/// Decoded uint8 pixels of a whole data set, planar per image (C, H, W), in one file that is memory-mapped for
/// training. Built once, in parallel; later epochs and runs do not decode again. The file name holds the source's
/// fingerprint and the transform, so a changed data set or size makes a new cache.
/// </summary>
internal sealed class PixelCache : IDisposable
{
    private const int ChunkSize = 512;
    private readonly MemoryMappedFile? file;
    private readonly MemoryMappedViewAccessor? view;

    public PixelCacheInfo Info { get; }
    public int Count => Info.Count;
    public int ImageBytes => Info.Channels * Info.Size * Info.Size;

    private PixelCache(string dataPath, PixelCacheInfo info)
    {
        Info = info;
        if (info.Count > 0)
        {
            file = MemoryMappedFile.CreateFromFile(dataPath, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        }
    }

    /// <summary>Opens the cache for this source and transform, building it first where it is missing or stale.</summary>
    public static PixelCache Open(IImageSource source, int size, int channels, string cacheDirectory,
        IProgress<CacheProgress>? progress = null)
    {
        string fingerprint = source.Fingerprint();
        string stem = Path.Combine(cacheDirectory, $"{fingerprint}-{size}px-{channels}ch");
        string dataPath = stem + ".u8", infoPath = stem + ".json";
        if (File.Exists(dataPath) && File.Exists(infoPath))
        {
            var cached = JsonSerializer.Deserialize<PixelCacheInfo>(File.ReadAllText(infoPath), DcganJson.Plain);
            if (cached is not null && cached.Fingerprint == fingerprint &&
                new FileInfo(dataPath).Length == (long)cached.Count * channels * size * size)
                return new PixelCache(dataPath, cached);
        }
        Directory.CreateDirectory(cacheDirectory);
        var info = Build(source, size, channels, fingerprint, dataPath, progress);
        AtomicFile.WriteAllText(infoPath, JsonSerializer.Serialize(info, DcganJson.Plain));
        return new PixelCache(dataPath, info);
    }

    private static PixelCacheInfo Build(IImageSource source, int size, int channels, string fingerprint, string dataPath,
        IProgress<CacheProgress>? progress)
    {
        var names = new List<string>();
        var skipped = new List<string>();
        AtomicFile.Write(dataPath, output =>
        {
            // Files are read in order on this thread; each chunk is decoded on all cores, then written in order.
            foreach (var chunk in source.Read().Chunk(ChunkSize))
            {
                var decoded = new byte[chunk.Length][];
                var failures = new ConcurrentDictionary<int, string>();
                Parallel.For(0, chunk.Length, i =>
                {
                    try { decoded[i] = ImageTransform.Apply(chunk[i], size, channels); }
                    catch (Exception e) { failures[i] = $"{chunk[i].Name}: {e.Message}"; }
                });
                for (int i = 0; i < chunk.Length; i++)
                {
                    if (decoded[i] is null) { skipped.Add(failures.GetValueOrDefault(i, chunk[i].Name)); continue; }
                    output.Write(decoded[i]);
                    names.Add(chunk[i].Name);
                }
                progress?.Report(new CacheProgress(names.Count, skipped.Count));
            }
        });
        skipped.AddRange(source.Notes);
        return new PixelCacheInfo(source.Description, fingerprint, names.Count, channels, size, names, skipped);
    }

    /// <summary>Copies the given images, in order, into one contiguous (N, C, H, W) byte array.</summary>
    public byte[] Gather(ReadOnlySpan<int> indices)
    {
        var batch = new byte[indices.Length * ImageBytes];
        for (int k = 0; k < indices.Length; k++)
        {
            if ((uint)indices[k] >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(indices), $"image {indices[k]} of {Count}");
            view!.ReadArray((long)indices[k] * ImageBytes, batch, k * ImageBytes, ImageBytes);
        }
        return batch;
    }

    public void Dispose()
    {
        view?.Dispose();
        file?.Dispose();
    }
}
