using System.Text.Json;
using Dcgan.Imaging;

using static TorchSharp.torch;

namespace Dcgan.Latent;

/// <summary>How a vector was made; Imported is a bare tensor from PyTorch (torch.save(v_A, path)), which says nothing more.</summary>
internal enum AttributeMethod { MeanDiff, Balanced, Svm, Sefa, Pca, Imported }

/// <summary>How well the score z . v separates held-out labels (cross-validated where labels are few).</summary>
internal sealed record VectorValidation(double Accuracy, double RocAuc, int Folds, bool HeldOut);

/// <summary>
/// A direction in z with what made it: the method, the model (nz and the generator's weight hash), the seeds
/// used and the time. Saved as a small JSON file; applying it to a model with another nz or hash is refused.
/// </summary>
internal sealed record AttributeVector
{
    public string Name { get; init; } = "attribute";
    public AttributeMethod Method { get; init; }
    public int Nz { get; init; }
    public string ModelHash { get; init; } = "";
    public IReadOnlyList<long> SeedsWith { get; init; } = [];
    public IReadOnlyList<long> SeedsWithout { get; init; } = [];
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
    public double Norm { get; init; }
    /// <summary>For discovered directions: the spread (sigma) of the data along it, so sliders can move in sigmas.</summary>
    public double? Sigma { get; init; }
    public VectorValidation? Validation { get; init; }
    public float[] Vector { get; init; } = [];

    public Tensor ToTensor() => tensor(Vector);

    /// <summary>The validation's uncertainty and a verdict (null for discovered directions, which have no labels).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public VectorQuality? Quality => VectorQuality.Of(Validation, SeedsWith.Count, SeedsWithout.Count);

    /// <summary>Vector names travel in URLs and file names: letters, digits, '.', '_', '-', 1 to 64 characters.</summary>
    /// <summary>The longest vector name: names become file names and URL segments.</summary>
    public const int MaxNameLength = 64;

    public static string CheckName(string name, string parameter = "name")
    {
        if (name.Length is 0 or > MaxNameLength || name.Contains("..") || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            throw new InputException(parameter, InputProblem.Invalid,
                $": '{name}' is not a valid name (letters, digits, '.', '_' and '-', 1 to 64 characters, no path)");
        return name;
    }

    /// <summary>
    /// Saves as the JSON vector file, or, for a .pt or .pth path, as a tensor torch.load reads (float32 [nz]) with
    /// this JSON beside it as PATH.json, so the name, model and validation come back when the file is loaded here.
    /// </summary>
    public void Save(string path)
    {
        if (!IsTorchPath(path)) { AtomicFile.WriteAllText(path, DcganJson.Serialize(this)); return; }
        AtomicFile.Write(path, stream => Interop.TorchTensorFile.WriteVector(stream, Vector));
        AtomicFile.WriteAllText(path + ".json", DcganJson.Serialize(this));
    }

    public static bool IsTorchPath(string path) =>
        path.EndsWith(".pt", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".pth", StringComparison.OrdinalIgnoreCase);

    /// <summary>A vector file: the JSON this program writes, or a tensor saved by torch.save (see <see cref="Read"/>).</summary>
    public static AttributeVector Load(string path)
    {
        if (Directory.Exists(path)) throw new InvalidDataException($"vector file '{path}' is a folder");
        if (!File.Exists(path)) throw new FileNotFoundException($"vector file '{path}' does not exist");
        if (new FileInfo(path).Length > Interop.TorchTensorFile.MaxBytes)
            throw new InvalidDataException($"{path}: {new FileInfo(path).Length} bytes is too large for a vector file " +
                $"(at most {Interop.TorchTensorFile.MaxBytes >> 20} MB)");
        var vector = Read(File.ReadAllBytes(path), path, Path.GetFileNameWithoutExtension(path));
        // The JSON written beside a .pt by Save carries what the bare tensor cannot, as long as it describes these values.
        if (vector.Method == AttributeMethod.Imported && File.Exists(path + ".json"))
        {
            try
            {
                var described = Parse(File.ReadAllText(path + ".json"), path + ".json");
                if (described.Vector.AsSpan().SequenceEqual(vector.Vector)) return described;
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException or IOException)
            {
                // a broken or foreign JSON beside it: the tensor alone still stands
            }
        }
        return vector;
    }

    /// <summary>
    /// A vector file's bytes: torch.save's zip (a tensor of shape [nz] or [1, nz, 1, 1], named
    /// <paramref name="nameIfBare"/> and tied to no model) or this program's JSON.
    /// </summary>
    public static AttributeVector Read(byte[] bytes, string source, string nameIfBare)
    {
        if (bytes.Length > 1 && bytes[0] == 0x80 && bytes[1] <= 5) // a bare pickle: torch.save's format before PyTorch 1.6
            throw new InvalidDataException($"{source} was saved in PyTorch's legacy format (_use_new_zipfile_serialization=False); " +
                "save it again with torch.save(v, path)");
        if (Imaging.ImageFormat.Of(bytes) is { } format)
            throw new InvalidDataException($"{source} is an image ({format}), not a vector file: give the JSON that attribute fit " +
                "writes (or the studio's download link), or a tensor saved by torch.save in a .pt file");
        if (!Interop.TorchTensorFile.IsZip(bytes)) return Parse(System.Text.Encoding.UTF8.GetString(bytes), source);
        float[] values = Interop.TorchTensorFile.ReadVector(bytes, source);
        double norm = CheckValues(values, source);
        string name = new string(nameIfBare.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_').Take(64)
            .ToArray());
        return new AttributeVector
        {
            Name = name.Length == 0 || name.Contains("..") ? "imported" : name,
            Method = AttributeMethod.Imported, Nz = values.Length, Vector = values, Norm = norm,
        };
    }

    /// <summary>The values' norm, after refusing values that are not finite or all zero (such a vector moves no image).</summary>
    internal static double CheckValues(float[] values, string source)
    {
        if (values.Any(v => !float.IsFinite(v)))
            throw new InvalidDataException($"{source}: the vector holds values that are not finite numbers (NaN or infinity)");
        double norm = Math.Sqrt(values.Sum(v => (double)v * v));
        if (norm == 0) throw new InvalidDataException($"{source}: the vector is all zeros, so it moves no image");
        return norm;
    }

    /// <summary>A vector file's text (the command's format), checked: a valid name, nz values, all finite.</summary>
    public static AttributeVector Parse(string json, string source)
    {
        AttributeVector? vector;
        try { vector = JsonSerializer.Deserialize<AttributeVector>(json, DcganJson.Options); }
        catch (JsonException e)
        {
            bool looksLikeJson = json.TrimStart().StartsWith('{');
            // Text or bytes: what a person sees when they open the file (control characters other than whitespace).
            bool binary = json.Any(c => char.IsControl(c) && !char.IsWhiteSpace(c));
            string what = e.Path is null or "$"
                ? looksLikeJson ? $"it is not valid JSON (line {e.LineNumber + 1})" : binary ? "it holds binary data of another kind" : "it holds other text"
                : $"its '{e.Path.TrimStart('$', '.')}' holds the wrong kind of value";
            throw new InvalidDataException(IsTorchPath(source)
                ? $"{source} is neither a tensor saved by torch.save (a zip archive) nor a vector's JSON: {what}"
                : $"{source} is not a vector file: {what}. Vector files are the JSON that `dcgan attribute fit`, the studio's " +
                  "download link and the library's LatentVector.Save write, or a tensor saved by torch.save in a .pt file");
        }
        if (vector is null) throw new InvalidDataException($"{source} is not a vector file (it is empty)");
        CheckName(vector.Name ?? "", $"{source}: name");
        if (vector.Nz <= 0)
            throw new InvalidDataException($"{source}: the file gives no nz (the latent size the vector was made for); " +
                "vector files written by dcgan have it");
        if (vector.Vector is null || vector.Vector.Length == 0 || vector.Vector.Length != vector.Nz)
            throw new InvalidDataException($"{source}: the vector has {vector.Vector?.Length ?? 0} values but nz is {vector.Nz}");
        double norm = CheckValues(vector.Vector, source);
        if (vector.Sigma is { } sigma && !(double.IsFinite(sigma) && sigma > 0))
            throw new InvalidDataException($"{source}: sigma must be a positive number (got {sigma})");
        // Fields that only describe the vector may be missing or null in a hand-edited file; the norm is the values' own.
        return vector with
        {
            ModelHash = vector.ModelHash ?? "", SeedsWith = vector.SeedsWith ?? [], SeedsWithout = vector.SeedsWithout ?? [], Norm = norm,
        };
    }

    /// <summary>
    /// A short hash of what an edit depends on (the values; the name is for people): two vectors with one version
    /// move z the same way, and a recomputed vector gets a new version, so URLs that name it never go stale.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Version => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(Vector.AsSpan())))[..12].ToLowerInvariant();

    /// <summary>Refuses a vector made for another model; a hash mismatch may be overridden (returns a warning then).</summary>
    public string? CheckFits(int nz, string modelHash, bool allowOtherModel)
    {
        if (Nz != nz) throw new InputException("vector", InputProblem.Invalid, $": vector '{Name}' was made for nz = {Nz}, the model has nz = {nz}");
        if (ModelHash == modelHash) return null;
        // A tensor from PyTorch does not say which model it was made for; nz is all that can be checked.
        if (ModelHash.Length == 0)
            return $"note: vector '{Name}' does not say which model it was made for (a bare tensor); its nz ({Nz}) fits";
        string message = $"vector '{Name}' was made for model {ModelHash[..Math.Min(12, ModelHash.Length)]}, " +
            $"this is {modelHash[..Math.Min(12, modelHash.Length)]}";
        // The faces add how to apply it anyway (the command's flag, the studio's button), from the kind of problem.
        if (!allowOtherModel) throw new InputException("vector", InputProblem.OtherModel, $": {message}");
        return "warning: " + message;
    }
}
