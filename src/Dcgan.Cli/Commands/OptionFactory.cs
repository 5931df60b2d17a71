using System.CommandLine;

namespace Dcgan.Cli.Commands;

/// <summary>Small helpers so each command's option list reads as a table.</summary>
internal static class OptionFactory
{
    public static Option<T> Make<T>(string name, string description, T defaultValue) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue };

    public static Option<T?> Optional<T>(string name, string description) => new(name) { Description = description };

    public static Option<T> Required<T>(string name, string description) => new(name) { Description = description, Required = true };

    /// <summary>
    /// The extensions of a PNG output, of a latents file (LatentFile writes .npy, or JSON), of a vector file (JSON, or a
    /// torch.save'd tensor) and of a packed data set.
    /// </summary>
    public static readonly string[] PngFile = [".png"], LatentsFile = [".npy", ".json"], VectorFile = [".json", ".pt", ".pth"],
        ZipFile = [".zip"];

    // What the commands write as files: a folder flag given one of these names is a file name by mistake.
    private static readonly string[] FileExtensions = [".png", ".npy", ".json", ".pt", ".pth", ".onnx", ".zip", ".ckpt", ".html"];

    /// <summary>
    /// A folder named by a flag, which the command creates and fills, checked before any work: not a file already there
    /// (it would fail late with a raw "already exists"), not a file's name, and inside a folder that exists.
    /// </summary>
    public static void CheckOutputFolder(string option, string? path)
    {
        if (path is null) return;
        if (string.IsNullOrWhiteSpace(path)) throw CommandRunner.Usage($"{option}: the path is empty");
        // "afile/" names the file afile as well: the checks look at the path without its trailing separators.
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (Directory.Exists(full)) return; // written into as it is (a root folder has no parent to check)
        if (File.Exists(full))
            throw CommandRunner.Usage($"{option}: '{path}' is a file; give a folder to write into (it is created if missing)");
        if (FileExtensions.Contains(Path.GetExtension(full).ToLowerInvariant()))
            throw CommandRunner.Usage($"{option}: '{path}' is a file name; give the folder to write into (the command names the files in it)");
        string parent = Path.GetDirectoryName(full)!;
        if (File.Exists(parent)) throw CommandRunner.Usage($"{option}: cannot make {path}: {parent} is a file, not a folder");
        if (!Directory.Exists(parent))
            throw CommandRunner.Usage($"{option}: the folder {parent} does not exist; create it first (mkdir -p), or check the path");
    }

    /// <summary>
    /// An output file named by a flag, checked before any work: not empty, an extension that says what it will hold (a
    /// .jpg would get PNG bytes), and a folder that exists (a typo must not silently create a tree of folders).
    /// </summary>
    /// <param name="folderMadeByCommand">A folder the command itself creates (sample's --each DIR), which may hold the file.</param>
    public static void CheckOutputFile(string option, string? path, string[] extensions, string? folderMadeByCommand = null)
    {
        if (path is null) return;
        if (string.IsNullOrWhiteSpace(path)) throw CommandRunner.Usage($"{option}: the path is empty");
        if (!extensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            throw CommandRunner.Usage($"{option}: '{path}' must end in {string.Join(" or ", extensions)}, which is what it will hold");
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (File.Exists(folder)) throw CommandRunner.Usage($"{option}: cannot write {path}: {folder} is a file, not a folder");
        if (!Directory.Exists(folder) && !(folderMadeByCommand is not null && Path.GetFullPath(folderMadeByCommand).TrimEnd('/') == folder))
            throw CommandRunner.Usage($"{option}: the folder {folder} does not exist; create it first (mkdir -p), or check the path");
    }

    /// <summary>
    /// A latents file to write (.npy or JSON), checked as <see cref="CheckOutputFile"/> does; an existing JSON file that
    /// holds something else (an attribute vector, labels) is refused rather than replaced: both kinds end in .json.
    /// </summary>
    public static void CheckLatentsOutput(string option, string? path, string? folderMadeByCommand = null)
    {
        CheckOutputFile(option, path, LatentsFile, folderMadeByCommand);
        if (path is null || !path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || !File.Exists(path)) return;
        if (new FileInfo(path).Length == 0) return; // nothing to lose
        bool latents;
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            latents = root.ValueKind == System.Text.Json.JsonValueKind.Array ||
                (root.ValueKind == System.Text.Json.JsonValueKind.Object && root.TryGetProperty("latents", out _));
        }
        catch (System.Text.Json.JsonException) { latents = false; }
        if (!latents)
            throw CommandRunner.Usage($"{option}: {path} exists and holds something other than latents (an attribute vector or " +
                "labels?); give another file name, or delete it first");
    }

    public static Command With(this Command command, params Option[] options)
    {
        foreach (var option in options) command.Options.Add(option);
        return command;
    }
}
