using System.Security.Cryptography;
using System.Text.Json;
using Dcgan.Generation;
using Dcgan.Interop;
using Dcgan.Latent;

namespace Dcgan.Export;

/// <summary>What <see cref="WebPageExport.Write"/> wrote: the folder, its size, and the ONNX check's result.</summary>
internal sealed record WebPageSummary(string Directory, long Bytes, int Files, int Vectors, OnnxComparison Check);

/// <summary>
/// A static folder that generates and edits in the visitor's browser with no server: index.html and its script, the
/// generator as ONNX (model.onnx), the vectors and the model's facts as JSON (model.json), and ONNX Runtime Web's
/// WebAssembly build (ort/, from its npm package, copied at build time; no CDN). Any static host serves it; with
/// the COOP/COEP headers of <see cref="IsolationHeaders"/> (written as _headers, the format Netlify and Cloudflare
/// Pages read) the browser allows wasm threads.
/// </summary>
internal static class WebPageExport
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
    /// must be new, empty, or an earlier export (its files are replaced, any others kept); a folder of other files is refused.
    /// </summary>
    public static WebPageSummary Write(LoadedModel model, string name, IReadOnlyList<AttributeVector> vectors, string directory)
    {
        CheckAssets();
        CheckTarget(directory);
        foreach (var vector in vectors)
            if (vector.Nz != model.Options.Nz)
                throw new InputException("vectors", InputProblem.Invalid, $": vector '{vector.Name}' has {vector.Nz} values; this model's z has {model.Options.Nz}");
        if (vectors.Select(v => v.Name).Distinct().Count() != vectors.Count)
            throw new InputException("vectors", InputProblem.Conflict, ": two vectors have the same name; rename one (the page lists them by name)");

        var (onnx, check) = OnnxCheck.CheckedExport(model);

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
        Imaging.AtomicFile.WriteAllText(Path.Combine(directory, DescriptionFile), JsonSerializer.Serialize(description, DcganJson.Plain));
        Imaging.AtomicFile.WriteAllText(Path.Combine(directory, "_headers"),
            "# Netlify / Cloudflare Pages: cross-origin isolation, so the browser lets ONNX Runtime use threads\n/*\n" +
            string.Concat(IsolationHeaders.Select(h => $"  {h.Name}: {h.Value}\n")));

        // What this export wrote (an earlier export's folder may hold files of the user's own, which are kept and not counted).
        var files = PageFiles.Concat(RuntimeFiles.Select(f => Path.Combine("ort", f))).Concat([ModelFile, DescriptionFile, "_headers"])
            .Select(f => Path.Combine(directory, f)).ToList();
        return new WebPageSummary(directory, files.Sum(f => new FileInfo(f).Length), files.Count, vectors.Count, check);
    }

    /// <summary>How many of SeFa's directions a page offers when it is given no vectors.</summary>
    public const int DefaultDirections = 5;

    /// <summary>
    /// What the page edits with when no vectors are named: SeFa's first directions (closed form from G's first layer, no
    /// labels needed), so that a page of any model can edit out of the box.
    /// </summary>
    public static IReadOnlyList<AttributeVector> DiscoveredDirections(LoadedModel model, int count = DefaultDirections) =>
        count == 0 ? [] : Generation.ModelVectors.Discover(model, AttributeMethod.Sefa, Math.Min(count, model.Options.Nz));


    /// <summary>The vectors a page offers: those given, or SeFa's first directions where none are.</summary>
    public static IReadOnlyList<AttributeVector> VectorsOrDirections(LoadedModel model, IReadOnlyList<AttributeVector> given,
        int directions = DefaultDirections) => given.Count > 0 ? given : DiscoveredDirections(model, directions);
    /// <summary>The same folder as a zip archive (the studio's download), built in a temporary folder that is removed afterwards.</summary>
    public static void WriteZip(LoadedModel model, string name, IReadOnlyList<AttributeVector> vectors, Stream output)
    {
        string temporary = Path.Combine(Path.GetTempPath(), "dcgan-web-export-" + Guid.NewGuid().ToString("N"));
        try
        {
            // One folder inside the archive, so unzipping does not spill the files into the current folder.
            string folder = Path.Combine(temporary, FolderName(name));
            Write(model, name, vectors, folder);
            System.IO.Compression.ZipFile.CreateFromDirectory(folder, output, System.IO.Compression.CompressionLevel.Fastest,
                includeBaseDirectory: true);
        }
        finally
        {
            if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
        }
    }

    /// <summary>The folder (and zip) name for a model's page: its name with anything but letters, digits, '-', '_' as '-'.</summary>
    public static string FolderName(string modelName) =>
        new string(modelName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray()) + "-web-page";

    /// <summary>
    /// The name a page shows for a model: a bundled model's name, a run's folder name for its checkpoints, else the file's
    /// name; the command and the studio's download give the same.
    /// </summary>
    public static string ModelName(string path)
    {
        string full = Path.GetFullPath(path);
        var bundled = ModelLoader.BundledModels().FirstOrDefault(b => Path.GetFullPath(b.Path) == full);
        if (bundled.Name is not null) return bundled.Name;
        var folder = Path.GetDirectoryName(full);
        if (Path.GetFileName(folder) == Training.Checkpoint.Folder && Path.GetDirectoryName(folder) is { } run)
            return $"{Path.GetFileName(run)} {Path.GetFileNameWithoutExtension(full)}";
        return Path.GetFileNameWithoutExtension(full);
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
        if (File.Exists(directory)) throw new InputException("out", InputProblem.Invalid, $": {directory} is a file; the web page needs a folder");
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
            throw new InputException("out", InputProblem.Conflict, $": {directory} already holds files that are not an exported page; " +
                "choose a new or empty folder (nothing in it was changed)");
    }
}
