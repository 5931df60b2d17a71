using Dcgan.Training;

namespace Dcgan.Web;

/// <summary>
/// The runs folder the studio shows (`serve --runs`): its runs by name, each a folder `dcgan train` wrote. Names come from
/// URLs, so a name is one plain folder name (no separators, no "..", nothing hidden) and the path stays under the folder.
/// </summary>
internal sealed class RunsFolder(string path)
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>The folder as the person named it to `serve --runs` (relative to where the studio was started), for advice such as `train --out`.</summary>
    public string DisplayPath { get; } = path.TrimEnd('/');

    /// <summary>The runs' folders in name order (those with checkpoints or metrics; an empty folder is not a run).</summary>
    public IReadOnlyList<string> Runs() => Directory.Exists(Path)
        ? Directory.GetDirectories(Path).Where(d => File.Exists(new RunLayout(d).Metrics) || Checkpoint.List(d).Count > 0)
            .Order(StringComparer.Ordinal).ToList()
        : [];

    /// <summary>A run's folder by name; a name that is not a plain folder name, or no such run, is refused.</summary>
    public string Run(string name)
    {
        string checkedName = SafeName(name, "run");
        string run = System.IO.Path.Combine(Path, checkedName);
        return Directory.Exists(run) ? run : throw new InputException("run", InputProblem.NotFound, $": no run named '{name}' under the runs folder");
    }

    /// <summary>
    /// A file or folder name from a URL, checked on its own terms: not empty, at most 255 characters, no path separator,
    /// not "." or "..", not hidden, and none of the characters file systems refuse. The path-traversal guard for run
    /// and file names (it does not depend on the vector-name rule).
    /// </summary>
    public static string SafeName(string name, string parameter)
    {
        string? reason = name.Length == 0 ? "is empty"
            : name.Length > 255 ? "is longer than 255 characters"
            : name.IndexOfAny(['/', '\\']) >= 0 ? "holds a path separator"
            : name.StartsWith('.') ? "starts with a dot"
            : name.IndexOfAny(System.IO.Path.GetInvalidFileNameChars()) >= 0 || name.Any(char.IsControl) ? "holds a character file names cannot"
            : null;
        return reason is null ? name : throw new InputException(parameter, InputProblem.Invalid, $": '{name}' {reason}; give a plain name as GET /api/runs lists them");
    }
}
