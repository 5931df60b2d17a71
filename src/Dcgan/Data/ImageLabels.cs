using System.Text.Json;

namespace Dcgan.Data;

/// <summary>
/// Binary labels for the images of a data set, by image name: true (has the attribute), false (has not), or no
/// entry (left out). Read from the built-in set's labels.json, CelebA's list_attr_celeba.txt, or IDX class labels.
/// </summary>
internal sealed class ImageLabels
{
    private readonly Dictionary<string, bool> labels;

    public string Description { get; }

    /// <summary>
    /// Images that are variants of one picture share a group, so a held-out split never tests on a near-copy of a
    /// training image. For the emoji set the group is the emoji without its skin-tone modifiers.
    /// </summary>
    public Func<string, string> GroupOf { get; private init; } = name => name;
    public int Positives => labels.Values.Count(v => v);
    public int Negatives => labels.Values.Count(v => !v);

    private ImageLabels(Dictionary<string, bool> labels, string description)
    {
        this.labels = labels;
        Description = description;
    }

    /// <summary>The label of an image by its name in the data set; matched by file name where paths differ.</summary>
    public bool? For(string imageName) =>
        labels.TryGetValue(imageName, out bool value) || labels.TryGetValue(Path.GetFileName(imageName), out value) ? value : null;

    /// <summary>
    /// labels.json (the built-in emoji set: a list of objects with "file" and fields such as "gender", "skin_tone"):
    /// <paramref name="attribute"/> "field=value" is the positive class; <paramref name="against"/> "field=value"
    /// the negative one (default: every image whose field has another value).
    /// </summary>
    public static ImageLabels FromLabelsJson(string json, string attribute, string? against)
    {
        var (field, value) = ParseCondition(attribute, "attribute");
        var (againstField, againstValue) = against is null ? (field, (string?)null) : ParseCondition(against, "against");
        using var doc = JsonDocument.Parse(json);
        var result = new Dictionary<string, bool>(StringComparer.Ordinal);
        var fields = new HashSet<string>();
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            foreach (var p in item.EnumerateObject()) fields.Add(p.Name);
            string file = item.GetProperty("file").GetString()!;
            string? own = item.TryGetProperty(field, out var f) ? f.GetString() : null;
            string? otherOwn = item.TryGetProperty(againstField, out var g) ? g.GetString() : null;
            if (own == value) result[file] = true;
            else if (againstValue is null ? own is not null : otherOwn == againstValue) result[file] = false;
        }
        if (!fields.Contains(field))
            throw new InputException("attribute", InputProblem.Invalid, $": the labels have no field '{field}' (they have {string.Join(", ", fields.Order())})");
        return new ImageLabels(result, $"{attribute} against {against ?? $"other {field}"}") { GroupOf = WithoutSkinTone };
    }

    /// <summary>CelebA: an attribute column of list_attr_celeba.txt (1 = has it, -1 = has not).</summary>
    public static ImageLabels FromCeleba(CelebaAttributes table, string attribute, IEnumerable<string> imageNames)
    {
        table.IndexOf(attribute); // validates the name
        var result = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var name in imageNames)
            if (table.Has(name, attribute) is { } has) result[name] = has;
        return new ImageLabels(result, $"CelebA {attribute}");
    }

    /// <summary>IDX class labels: "class=K" against the other classes (or "class=J" with <paramref name="against"/>).</summary>
    public static ImageLabels FromIdx(byte[] classes, string attribute, string? against)
    {
        int positive = ParseClass(attribute, "attribute");
        int? negative = against is null ? null : ParseClass(against, "against");
        var result = new Dictionary<string, bool>(StringComparer.Ordinal);
        for (int i = 0; i < classes.Length; i++)
        {
            if (classes[i] == positive) result[$"{i:D6}"] = true;
            else if (negative is null || classes[i] == negative) result[$"{i:D6}"] = false;
        }
        return new ImageLabels(result, $"{attribute} against {against ?? "the other classes"}");
    }

    private static readonly System.Text.RegularExpressions.Regex SkinTone =
        new("-1f3f[b-f]", System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    private static string WithoutSkinTone(string name) => SkinTone.Replace(Path.GetFileNameWithoutExtension(name), "");

    private static int ParseClass(string text, string option)
    {
        var (field, value) = ParseCondition(text, option);
        if (field != "class" || !int.TryParse(value, out int k) || k is < 0 or > 255)
            throw new InputException(option, InputProblem.Invalid, $"for IDX labels must be class=K with K a class number (got '{text}')");
        return k;
    }

    private static (string Field, string Value) ParseCondition(string text, string option)
    {
        var parts = text.Split('=', 2, StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            throw new InputException(option, InputProblem.Invalid, $"must be written field=value, e.g. gender=man (got '{text}')");
        return (parts[0], parts[1]);
    }
}
