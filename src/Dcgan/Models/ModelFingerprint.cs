using System.Security.Cryptography;
using static TorchSharp.torch;

namespace Dcgan.Models;

/// <summary>A hash of G's weights (names and raw values in key order): the same model hashes the same whatever file holds it.</summary>
internal static class ModelFingerprint
{
    public static string Of(nn.Module generator)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, value) in generator.state_dict().OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(name));
            using var cpu = value.detach().cpu().contiguous();
            hash.AppendData(cpu.bytes);
        }
        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }
}
