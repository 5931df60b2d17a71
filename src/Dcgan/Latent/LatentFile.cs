using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Dcgan.Latent;

/// <summary>
/// Explicit latents on disk: NumPy .npy (float32 or float64, shape (N, nz), (N, nz, 1, 1) or (nz,)) or JSON
/// (an array of arrays, or {"latents": [[...], ...]}). Written as float32 .npy or as JSON with float32 values.
/// </summary>
internal static partial class LatentFile
{
    /// <summary>Values beyond this are no latent of a N(0, I) or U(-1, 1) prior: such a file is a mistake, not a request.</summary>
    public const float MaxMagnitude = 1e4f;

    public static Tensor Read(string path, int nz, int maxRows = 1 << 20)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"latents file '{path}' does not exist");
        float[][] rows;
        try { rows = path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) ? ReadNpy(path) : ReadJson(path); }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a latents file: not valid JSON (line {e.LineNumber + 1})");
        }
        if (rows.Length == 0) throw new InvalidDataException($"{path} holds no latent vectors");
        if (rows.Length > maxRows) throw new InvalidDataException($"{path} holds {rows.Length} latent vectors, at most {maxRows} here");
        for (int i = 0; i < rows.Length; i++)
        {
            if (rows[i].Length != nz)
                throw new InvalidDataException($"{path}: latent {i} has {rows[i].Length} values, the model's nz is {nz}");
            if (rows[i].Any(v => !float.IsFinite(v) || Math.Abs(v) > MaxMagnitude))
                throw new InvalidDataException($"{path}: latent {i} holds values that are not finite or beyond +-{MaxMagnitude:G0} " +
                    "(they would draw blank images)");
        }
        return tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, nz, 1, 1]);
    }

    public static void Write(string path, Tensor latents)
    {
        var flat = latents.detach().cpu().to(ScalarType.Float32).contiguous();
        int n = (int)flat.shape[0], nz = (int)(flat.numel() / n);
        float[] values = flat.data<float>().ToArray();
        byte[] bytes = path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)
            ? NpyBytes(values, n, nz)
            : JsonSerializer.SerializeToUtf8Bytes(new { latents = values.Chunk(nz).ToArray() }, DcganJson.Plain);
        Imaging.AtomicFile.WriteAllBytes(path, bytes);
    }

    private static float[][] ReadJson(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("latents", out var inner)) root = inner;
        if (root.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"{path}: expected a JSON array of latent vectors or {{\"latents\": [...]}}");
        try
        {
            return root.EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
        }
        catch (InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: every latent must be an array of numbers");
        }
    }

    private static float[][] ReadNpy(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
            throw new InvalidDataException($"{path} is not a .npy file");
        int major = bytes[6];
        int headerLength = major == 1 ? BitConverter.ToUInt16(bytes, 8) : BitConverter.ToInt32(bytes, 8);
        int dataStart = (major == 1 ? 10 : 12) + headerLength;
        string header = Encoding.ASCII.GetString(bytes, major == 1 ? 10 : 12, headerLength);
        string descr = DescrPattern().Match(header).Groups[1].Value;
        if (FortranPattern().IsMatch(header)) throw new InvalidDataException($"{path}: Fortran-ordered arrays are not supported");
        var shape = ShapePattern().Match(header).Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        int width = descr switch
        {
            "<f4" => 4,
            "<f8" => 8,
            _ => throw new InvalidDataException($"{path}: dtype {descr} is not supported (use float32 or float64)")
        };
        int n = shape.Length == 1 ? 1 : shape[0];
        int nz = shape.Length == 1 ? shape[0] : shape.Skip(1).Aggregate(1, (a, b) => a * b);
        if (bytes.Length < dataStart + (long)n * nz * width) throw new InvalidDataException($"{path} is shorter than its header says");
        var rows = new float[n][];
        for (int i = 0; i < n; i++)
        {
            rows[i] = new float[nz];
            for (int j = 0; j < nz; j++)
            {
                int at = dataStart + (i * nz + j) * width;
                rows[i][j] = width == 4 ? BitConverter.ToSingle(bytes, at) : (float)BitConverter.ToDouble(bytes, at);
            }
        }
        return rows;
    }

    private static byte[] NpyBytes(float[] values, int n, int nz)
    {
        string dict = string.Create(CultureInfo.InvariantCulture, $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({n}, {nz}), }}");
        int total = 10 + dict.Length + 1;
        string header = dict + new string(' ', (64 - total % 64) % 64) + "\n";
        using var stream = new MemoryStream();
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(Encoding.ASCII.GetBytes(header));
        foreach (float v in values) stream.Write(BitConverter.GetBytes(v));
        return stream.ToArray();
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']+)'")] private static partial Regex DescrPattern();
    [GeneratedRegex(@"'fortran_order'\s*:\s*True")] private static partial Regex FortranPattern();
    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")] private static partial Regex ShapePattern();
}
