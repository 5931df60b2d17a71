using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Dcgan;

/// <summary>
/// The one JSON style of the project's files: camelCase names, kebab-case enum values ("bce-logits"), indented. At the
/// library's root because every layer writes or reads JSON with it (run configs, vectors, checkpoints, the web answers).
/// </summary>
internal static class DcganJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        // Named, not left to the default: programs that use the package may turn reflection-based JSON off by default
        // (.NET 10's file-based apps do), and the library's files must still read and write there.
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    /// <summary>Default names (PascalCase) and compact output: the pixel cache's, latent files' and the web page's JSON.</summary>
    public static readonly JsonSerializerOptions Plain = new() { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json, string what) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new InvalidDataException($"{what} is empty");

    /// <summary>
    /// Parses a kebab-case enum value as the command line and the JSON files write it; <paramref name="allowed"/> narrows
    /// the values a setting takes (and that its error lists) where only some make sense there.
    /// </summary>
    public static TEnum ParseEnum<TEnum>(string text, string option, params TEnum[] allowed) where TEnum : struct, Enum
    {
        TEnum[] values = allowed.Length > 0 ? allowed : Enum.GetValues<TEnum>();
        foreach (var value in values)
            if (string.Equals(Name(value), text, StringComparison.OrdinalIgnoreCase)) return value;
        throw new InputException(option, InputProblem.Invalid,
            $"must be one of {string.Join(", ", values.Select(v => Name(v)))} (got '{text}')");
    }

    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum =>
        JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}
