using System.CommandLine;

namespace Dcgan.Cli.Commands;

/// <summary>Small helpers so each command's option list reads as a table.</summary>
internal static class OptionFactory
{
    public static Option<T> Make<T>(string name, string description, T defaultValue) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue };

    public static Option<T?> Optional<T>(string name, string description) => new(name) { Description = description };

    public static Option<T> Required<T>(string name, string description) => new(name) { Description = description, Required = true };

    /// <summary>The extensions of a PNG output, and of a latents file (LatentFile writes .npy, or JSON).</summary>
    public static readonly string[] PngFile = [".png"], LatentsFile = [".npy", ".json"];

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

    public static Command With(this Command command, params Option[] options)
    {
        foreach (var option in options) command.Options.Add(option);
        return command;
    }
}
