using System.Buffers.Text;
using System.Runtime.InteropServices;

namespace Dcgan.Latent;

/// <summary>
/// One latent as URL-safe text: its float32 values (little-endian) in base64url, 536 characters for nz = 100. An image
/// URL can then carry any z (an inverted photo, a latents file's row) and still name everything it depends on.
/// </summary>
internal static class LatentText
{
    public static string Encode(ReadOnlySpan<float> z) => Base64Url.EncodeToString(MemoryMarshal.AsBytes(z));

    public static float[] Decode(string text, int nz, string parameter)
    {
        byte[] bytes;
        try { bytes = Base64Url.DecodeFromChars(text); }
        catch (FormatException) { throw new InputException(parameter, InputProblem.Invalid, $": not a latent (base64url of {nz} float32 values)"); }
        if (bytes.Length != 4 * nz) throw new InputException(parameter, InputProblem.Invalid, $": holds {bytes.Length / 4.0} values, the model's nz is {nz}");
        var z = MemoryMarshal.Cast<byte, float>(bytes).ToArray();
        if (z.Any(v => !float.IsFinite(v) || Math.Abs(v) > 1e4))
            throw new InputException(parameter, InputProblem.Invalid, ": holds values that are not finite or beyond +-10000");
        return z;
    }
}
