namespace Dcgan.Data;

/// <summary>
/// The files under a folder, recursively, following symbolic links as a person expects (a linked folder's images count)
/// but visiting each real folder and each real file once: a link back up the tree (a loop) or a second link to the same
/// file is left out with a note, never walked again. .NET's own recursive enumeration follows such a loop until it runs
/// out of memory.
/// </summary>
internal static class FileWalk
{
    /// <summary>Links resolved through more hops than this are a loop (Linux's own limit is 40).</summary>
    private const int MaxLinkHops = 40;

    /// <summary>The files under <paramref name="root"/> that pass <paramref name="keep"/>, in ordinal path order, each real file once.</summary>
    public static IReadOnlyList<string> Files(string root, Func<string, bool> keep, List<string>? notes = null)
    {
        var folders = new HashSet<string>(StringComparer.Ordinal);
        var found = new List<(string Path, string Real)>();
        var pending = new Stack<string>();
        pending.Push(Path.GetFullPath(root));
        while (pending.Count > 0)
        {
            string folder = pending.Pop();
            string? real = Real(folder, notes);
            if (real is null) continue;
            if (!folders.Add(real))
            {
                notes?.Add($"{folder}: a folder already read ({real}); a symbolic link loop or a second link, read once");
                continue;
            }
            IEnumerable<FileSystemInfo> entries;
            try { entries = new DirectoryInfo(folder).EnumerateFileSystemInfos().ToList(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                notes?.Add($"{folder}: cannot be listed ({e.Message})");
                continue;
            }
            foreach (var entry in entries.OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                bool isFolder = entry is DirectoryInfo;
                if (entry.LinkTarget is not null)
                {
                    FileSystemInfo? target;
                    try { target = entry.ResolveLinkTarget(returnFinalTarget: true); }
                    catch (IOException e)
                    {
                        notes?.Add($"{entry.FullName}: a symbolic link that does not resolve ({e.Message})");
                        continue;
                    }
                    if (target is null || !target.Exists) continue; // a dangling link: nothing to read
                    isFolder = target is DirectoryInfo;
                }
                if (isFolder) pending.Push(entry.FullName);
                else if (keep(entry.Name))
                {
                    // Inside a resolved folder only a link itself needs resolving: no per-file walk of every path component.
                    string? realFile = entry.LinkTarget is null ? Path.Combine(real, entry.Name) : Real(entry.FullName, notes);
                    if (realFile is not null) found.Add((entry.FullName, realFile));
                }
            }
        }
        // Each real file once, under its own name where the walk met it (not a link's), else under the first link's.
        var files = new List<string>();
        foreach (var names in found.GroupBy(f => f.Real, StringComparer.Ordinal))
        {
            var ordered = names.Select(n => n.Path).OrderBy(p => p == names.Key ? 0 : 1).ThenBy(p => p, StringComparer.Ordinal).ToList();
            files.Add(ordered[0]);
            foreach (string other in ordered.Skip(1)) notes?.Add($"{other}: the same file as {ordered[0]}, read once");
        }
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>The path with every symbolic link in it resolved (null, with a note, where links go round in a loop).</summary>
    public static string? Real(string path, List<string>? notes = null)
    {
        try { return Resolve(Path.GetFullPath(path), 0); }
        catch (IOException e)
        {
            notes?.Add($"{path}: {e.Message}");
            return null;
        }
    }

    private static string Resolve(string full, int hops)
    {
        string root = Path.GetPathRoot(full)!;
        string result = root;
        foreach (string part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            string next = Path.Combine(result, part);
            var info = new FileInfo(next);
            if (info.LinkTarget is { } target)
            {
                if (++hops > MaxLinkHops) throw new IOException("too many levels of symbolic links (a loop)");
                // A relative target is relative to the link's folder; the target may hold links of its own.
                next = Resolve(Path.GetFullPath(target, result), hops);
            }
            result = next;
        }
        return result;
    }
}
