namespace Dcgan.Data;

/// <summary>
/// CelebA's list_attr_celeba.txt: line 1 the image count, line 2 the 40 attribute names, then one line per image,
/// "000001.jpg  -1  1 ..." with 1 (has it) or -1 (has not). Rows are matched to images by file name, whatever
/// folder or zip prefix the images carry.
/// </summary>
internal sealed class CelebaAttributes
{
    private readonly Dictionary<string, sbyte[]> rows;

    public IReadOnlyList<string> Names { get; }
    public int Count => rows.Count;

    private CelebaAttributes(IReadOnlyList<string> names, Dictionary<string, sbyte[]> rows)
    {
        Names = names;
        this.rows = rows;
    }

    public static CelebaAttributes Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"attribute file '{path}' does not exist");
        using var reader = new StreamReader(path);
        string? first = reader.ReadLine();
        if (!int.TryParse(first?.Trim(), out int declared) || declared < 0)
            throw new InvalidDataException($"{path}: line 1 must be the image count (got '{first}')");
        var names = (reader.ReadLine() ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (names.Length == 0) throw new InvalidDataException($"{path}: line 2 must list the attribute names");
        var rows = new Dictionary<string, sbyte[]>(StringComparer.Ordinal);
        int lineNumber = 2;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != names.Length + 1)
                throw new InvalidDataException($"{path}: line {lineNumber} has {fields.Length - 1} values, " +
                    $"expected {names.Length} (one per attribute)");
            var values = new sbyte[names.Length];
            for (int i = 0; i < names.Length; i++)
            {
                values[i] = fields[i + 1] switch
                {
                    "1" => 1,
                    "-1" => -1,
                    _ => throw new InvalidDataException(
                        $"{path}: line {lineNumber}, attribute {names[i]}: '{fields[i + 1]}' is neither 1 nor -1"),
                };
            }
            rows[fields[0]] = values;
        }
        if (rows.Count != declared)
            throw new InvalidDataException($"{path}: line 1 announces {declared} images but {rows.Count} rows follow");
        return new CelebaAttributes(names, rows);
    }

    /// <summary>Whether the image (any path ending in its file name) has the attribute; null where the file has no row.</summary>
    public bool? Has(string imageName, string attribute)
    {
        int column = IndexOf(attribute);
        return rows.TryGetValue(Path.GetFileName(imageName), out var values) ? values[column] == 1 : null;
    }

    public int IndexOf(string attribute)
    {
        for (int i = 0; i < Names.Count; i++)
            if (string.Equals(Names[i], attribute, StringComparison.OrdinalIgnoreCase)) return i;
        throw new InputException("attribute", InputProblem.NotFound, $": unknown attribute '{attribute}'; the file names: {string.Join(", ", Names)}");
    }
}
