using System.Security.Cryptography;
using System.Text.Json;
using Dcgan.Generation;
using Dcgan.Latent;

namespace Dcgan.Interop;

/// <summary>What <see cref="WebPageExport.Write"/> wrote: the folder, its size, and the ONNX check's result.</summary>
public sealed record WebPageSummary(string Directory, long Bytes, int Files, int Vectors, OnnxComparison Check);

/// <summary>
/// A static folder that generates and edits in the visitor's browser with no server: index.html and its script, the
/// generator as ONNX (model.onnx), the vectors and the model's facts as JSON (model.json), and ONNX Runtime Web's
/// WebAssembly build (ort/, from its npm package, copied at build time; no CDN). Any static host serves it; with
/// the COOP/COEP headers of <see cref="IsolationHeaders"/> (written as _headers, the format Netlify and Cloudflare
/// Pages read) the browser allows wasm threads.
/// </summary>
public static class WebPageExport
{
    /// <summary>The page's files as the build put them beside the program.</summary>
    public static string AssetsDirectory => Path.Combine(AppContext.BaseDirectory, "web-export");

    public const string Format = "dcgan-web-export/1";
    public const string DescriptionFile = "model.json", ModelFile = "model.onnx";

    /// <summary>The headers that make a page cross-origin isolated, so that the browser gives it SharedArrayBuffer (wasm threads).</summary>
    public static readonly IReadOnlyList<(string Name, string Value)> IsolationHeaders =
    [
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cross-Origin-Embedder-Policy", "require-corp"),
    ];

    /// <summary>The runtime's files the page loads (ort/...).</summary>
    public static readonly IReadOnlyList<string> RuntimeFiles = ["ort.wasm.min.mjs", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm"];

    private static readonly string[] PageFiles = ["index.html", "page.css", "page.js", "torch-random.js"];

    /// <summary>
    /// Writes the folder for this model and vectors; checks the ONNX file against the model (64 seeds) first. The folder
    /// must be new, empty, or an earlier export (its files are replaced); anything else in it is left alone and refused.
    /// </summary>
    public static WebPageSummary Write(LoadedModel model, string name, IReadOnlyList<AttributeVector> vectors, string directory)
    {
        CheckAssets();
        CheckTarget(directory);
        foreach (var vector in vectors)
            if (vector.Nz != model.Options.Nz)
                throw new ArgumentException($"vector '{vector.Name}' has {vector.Nz} values; this model's z has {model.Options.Nz}");
        if (vectors.Select(v => v.Name).Distinct().Count() != vectors.Count)
            throw new ArgumentException("two vectors have the same name; rename one (the page lists them by name)");

        byte[] onnx = OnnxExport.Generator(model.Sampler.Generator);
        var check = OnnxCheck.Compare(onnx, model.Sampler, Enumerable.Range(0, 64).Select(i => (long)i).ToList());

        Directory.CreateDirectory(Path.Combine(directory, "ort"));
        foreach (string file in PageFiles) File.Copy(Path.Combine(AssetsDirectory, file), Path.Combine(directory, file), overwrite: true);
        foreach (string file in RuntimeFiles)
            File.Copy(Path.Combine(AssetsDirectory, "ort", file), Path.Combine(directory, "ort", file), overwrite: true);
        Imaging.AtomicFile.WriteAllBytes(Path.Combine(directory, ModelFile), onnx);
        var description = new
        {
            format = Format,
            name,
            nz = model.Options.Nz,
            imageSize = model.Options.ImageSize,
            channels = model.Options.Nc,
            prior = model.Options.Prior == Models.LatentPrior.Normal ? "normal" : "uniform",
            modelHash = model.Hash,
            onnx = new { file = ModelFile, bytes = onnx.Length, sha256 = Convert.ToHexString(SHA256.HashData(onnx)).ToLowerInvariant() },
            check = new { seeds = check.Images, maxLevelDifference = check.MaxLevelDifference, maxOutputDifference = check.MaxOutputDifference },
            vectors = vectors.Select(v => new { name = v.Name, method = v.Method.ToString(), sigma = v.Sigma, vector = v.Vector }).ToList(),
        };
        Imaging.AtomicFile.WriteAllText(Path.Combine(directory, DescriptionFile), JsonSerializer.Serialize(description));
        Imaging.AtomicFile.WriteAllText(Path.Combine(directory, "_headers"),
            "# Netlify / Cloudflare Pages: cross-origin isolation, so the browser lets ONNX Runtime use threads\n/*\n" +
            string.Concat(IsolationHeaders.Select(h => $"  {h.Name}: {h.Value}\n")));

        var files = Directory.GetFiles(directory, "*", SearchOption.AllDirectories);
        return new WebPageSummary(directory, files.Sum(f => new FileInfo(f).Length), files.Length, vectors.Count, check);
    }

    /// <summary>How many of SeFa's directions a page offers when it is given no vectors.</summary>
    public const int DefaultDirections = 5;

    /// <summary>
    /// What the page edits with when no vectors are named: SeFa's first directions (closed form from G's first layer, no
    /// labels needed), so that a page of any model can edit out of the box.
    /// </summary>
    public static IReadOnlyList<AttributeVector> DiscoveredDirections(LoadedModel model, int count = DefaultDirections) =>
        count == 0 ? [] : Editing.DiscoverDirections(model, AttributeMethod.Sefa, Math.Min(count, model.Options.Nz));

    /// <summary>The same folder as a zip archive (the studio's download), built in a temporary folder that is removed afterwards.</summary>
    public static void WriteZip(LoadedModel model, string name, IReadOnlyList<AttributeVector> vectors, Stream output)
    {
        string temporary = Path.Combine(Path.GetTempPath(), "dcgan-web-export-" + Guid.NewGuid().ToString("N"));
        try
        {
            Write(model, name, vectors, temporary);
            System.IO.Compression.ZipFile.CreateFromDirectory(temporary, output, System.IO.Compression.CompressionLevel.Fastest,
                includeBaseDirectory: false);
        }
        finally
        {
            if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
        }
    }

    /// <summary>Refuses when the build could not provide the page's files (no Node.js at build time), naming the fix.</summary>
    public static void CheckAssets()
    {
        var missing = PageFiles.Select(f => Path.Combine(AssetsDirectory, f))
            .Concat(RuntimeFiles.Select(f => Path.Combine(AssetsDirectory, "ort", f)))
            .Where(f => !File.Exists(f)).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException(
                $"the web page's files are missing ({string.Join(", ", missing.Select(Path.GetFileName))} under {AssetsDirectory}): " +
                "the build installs ONNX Runtime Web with npm; install nodejs and npm (apt-get install nodejs npm) and build again");
    }

    private static void CheckTarget(string directory)
    {
        if (File.Exists(directory)) throw new ArgumentException($"{directory} is a file; the web page needs a folder");
        if (!Directory.Exists(directory) || !Directory.EnumerateFileSystemEntries(directory).Any()) return;
        string descriptionPath = Path.Combine(directory, DescriptionFile);
        bool earlierExport = false;
        if (File.Exists(descriptionPath))
        {
            try
            {
                using var json = JsonDocument.Parse(File.ReadAllText(descriptionPath));
                earlierExport = json.RootElement.TryGetProperty("format", out var format) && format.GetString() == Format;
            }
            catch (JsonException) { }
        }
        if (!earlierExport)
            throw new ArgumentException($"{directory} already holds files that are not an exported page; " +
                "choose a new or empty folder (nothing in it was changed)");
    }
}
