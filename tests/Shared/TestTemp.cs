using System.Diagnostics;

namespace Dcgan.Testing;

/// <summary>
/// One temporary folder per test process, removed when the process ends, so repeated runs do not fill the disk
/// (the tutorial and the web export write hundreds of MB). Folders left by killed runs are removed by the next run.
/// Set DCGAN_KEEP_TEST_FILES=1 to keep them for a look.
/// </summary>
internal static class TestTemp
{
    private static readonly string Parent = Path.Combine(Path.GetTempPath(), "dcgan-tests");
    private static readonly Lazy<string> root = new(CreateRoot);

    /// <summary>This process's folder, /tmp/dcgan-tests/pid-N.</summary>
    public static string Root => root.Value;

    /// <summary>A new empty folder under this process's root.</summary>
    public static string NewFolder(string name)
    {
        string dir = Path.Combine(Root, $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string CreateRoot()
    {
        RemoveFoldersOfEndedRuns();
        string dir = Path.Combine(Parent, $"pid-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        if (Environment.GetEnvironmentVariable("DCGAN_KEEP_TEST_FILES") != "1")
            AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(dir);
        return dir;
    }

    private static void RemoveFoldersOfEndedRuns()
    {
        if (!Directory.Exists(Parent) || Environment.GetEnvironmentVariable("DCGAN_KEEP_TEST_FILES") == "1") return;
        foreach (string dir in Directory.GetDirectories(Parent))
        {
            string name = Path.GetFileName(dir);
            // Folders of older layouts (no pid) and of processes that no longer run.
            if (name.StartsWith("pid-", StringComparison.Ordinal) && int.TryParse(name[4..], out int pid) && IsRunning(pid)) continue;
            if (Directory.GetLastWriteTimeUtc(dir) > DateTime.UtcNow.AddMinutes(-1) && !name.StartsWith("pid-", StringComparison.Ordinal)) continue;
            TryDelete(dir);
        }
    }

    private static bool IsRunning(int pid)
    {
        try { using var process = Process.GetProcessById(pid); return !process.HasExited; }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    private static void TryDelete(string dir)
    {
        try { Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
