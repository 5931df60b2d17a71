using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Dcgan.Imaging;

namespace Dcgan.Data;

/// <summary>One image as a source yields it: encoded file bytes (folder, zip) or raw gray pixels (IDX).</summary>
internal sealed record SourceImage(string Name, byte[]? Encoded = null, PixelImage? Raw = null);

/// <summary>Where images come from. The trainer never sees this: it reads the decoded <see cref="PixelCache"/>.</summary>
internal interface IImageSource
{
    /// <summary>What a person would call it, for logs and config.json.</summary>
    string Description { get; }

    /// <summary>Changes whenever the content may have changed; the pixel cache is keyed on it.</summary>
    string Fingerprint();

    /// <summary>All images, in a fixed order, read sequentially (decoding happens later, in parallel).</summary>
    IEnumerable<SourceImage> Read();

    /// <summary>Files left out while listing the source (symbolic link loops, second links to one file), each with why.</summary>
    IReadOnlyList<string> Notes => [];
}

internal static class SourceHash
{
    public static string Of(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16].ToLowerInvariant();

    /// <summary>
    /// A file's identity for the cache key and a run's data check: the SHA-256 of its content, with its name inside the
    /// folder when it is one image of a folder. Path, size and modification time alone take a same-size file copied over
    /// with its old time (`cp -p`) for the old one, and the run would train on stale pixels. Where the set lies is left
    /// out: the same bytes moved (a new checkout, another disk) are the same data. Hashing reads the data once per start
    /// (SHA-256 runs at over 1 GB/s here; CelebA's zip is 1.4 GB).
    /// </summary>
    public static string FileStamp(string path, string? nameInFolder = null)
    {
        using var stream = File.OpenRead(path);
        string content = Convert.ToHexString(SHA256.HashData(stream));
        return nameInFolder is null ? content : $"{nameInFolder}|{content}";
    }

    public static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".webp", ".bmp"];

    public static bool IsImage(string name) => ImageExtensions.Contains(Path.GetExtension(name).ToLowerInvariant());
}

/// <summary>A folder of images, searched recursively (as ImageFolder, but without needing class subfolders).</summary>
internal sealed class FolderImageSource(string root) : IImageSource
{
    private IReadOnlyList<string>? files;
    private readonly List<string> notes = [];

    public string Root { get; } = Path.GetFullPath(root);
    public string Description => $"folder {Root}";

    /// <summary>Each real image file once, links followed (a loop is left out with a note, never walked round).</summary>
    private IReadOnlyList<string> Files => files ??= FileWalk.Files(Root, SourceHash.IsImage, notes);

    public IReadOnlyList<string> Notes { get { _ = Files; return notes; } }

    private string? fingerprint;

    /// <summary>Hashes every file's content, once per source object (training and evaluation open the cache more than once).</summary>
    public string Fingerprint() => fingerprint ??= SourceHash.Of(string.Join("\n", Files.Select(file => SourceHash.FileStamp(file, Path.GetRelativePath(Root, file)))));

    public IEnumerable<SourceImage> Read()
    {
        foreach (var file in Files)
            yield return new SourceImage(Path.GetRelativePath(Root, file), Encoded: File.ReadAllBytes(file));
    }
}

/// <summary>A zip of images read in place, as CelebA's img_align_celeba.zip ships.</summary>
internal sealed class ZipImageSource(string path) : IImageSource
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);
    public string Description => $"zip {Path}";

    private string? fingerprint;
    public string Fingerprint() => fingerprint ??= SourceHash.Of(SourceHash.FileStamp(Path));

    /// <summary>No image file is this large; an entry that claims more is a damaged or hostile zip.</summary>
    public const long MaxEntryBytes = 64L << 20;

    public IEnumerable<SourceImage> Read()
    {
        using var zip = Open();
        foreach (var entry in zip.Entries.Where(e => SourceHash.IsImage(e.FullName)).OrderBy(e => e.FullName, StringComparer.Ordinal))
        {
            if (entry.Length > MaxEntryBytes)
                throw new InvalidDataException($"{Path}: entry {entry.FullName} claims {entry.Length >> 20} MB, " +
                    "more than any image holds: the zip is damaged");
            var bytes = new byte[entry.Length];
            try
            {
                using var stream = entry.Open();
                stream.ReadExactly(bytes);
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
            {
                throw new InvalidDataException($"{Path}: entry {entry.FullName} cannot be read ({e.Message}): the zip is damaged");
            }
            yield return new SourceImage(entry.FullName, Encoded: bytes);
        }
    }

    private ZipArchive Open()
    {
        try { return ZipFile.OpenRead(Path); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{Path} is not a readable zip archive ({e.Message})"); }
    }

    /// <summary>Reads one non-image entry (such as labels.json) as text, or null where the zip has none.</summary>
    public string? ReadText(string entryName)
    {
        using var zip = Open();
        var entry = zip.GetEntry(entryName);
        if (entry is null) return null;
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }
}

/// <summary>IDX image files as MNIST and Fashion-MNIST ship them (idx3-ubyte, optionally gzipped).</summary>
internal sealed class IdxImageSource(string imagesPath) : IImageSource
{
    public string ImagesPath { get; } = System.IO.Path.GetFullPath(imagesPath);
    public string Description => $"idx {ImagesPath}";

    private string? fingerprint;
    public string Fingerprint() => fingerprint ??= SourceHash.Of(SourceHash.FileStamp(ImagesPath));

    public IEnumerable<SourceImage> Read()
    {
        var (count, rows, columns, pixels) = IdxFile.ReadImages(ImagesPath);
        int size = rows * columns;
        for (int i = 0; i < count; i++)
            yield return new SourceImage($"{i:D6}", Raw: new PixelImage(columns, rows, 1, pixels.AsSpan(i * size, size).ToArray()));
    }
}
