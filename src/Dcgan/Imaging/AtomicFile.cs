namespace Dcgan.Imaging;

/// <summary>Write-to-temporary-then-rename, so a crash or kill never leaves a half-written file in place.</summary>
internal static class AtomicFile
{
    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    public static void WriteAllText(string path, string text) => WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>
    /// "cannot write PATH: why", for any failed write: a full disk (ENOSPC, errno 28, which .NET passes on as the
    /// HResult) says what to do; other reasons keep the system's words without the path repeated.
    /// </summary>
    public static IOException CannotWrite(string path, Exception e, string? temporary = null)
    {
        string reason = e.Message.Replace($" : '{temporary ?? path}'", "").Replace($" : '{path}'", "");
        if (temporary is not null) reason = reason.Replace(temporary, path);
        if (e.HResult == 28 || reason.Contains("No space left", StringComparison.OrdinalIgnoreCase))
            reason = "the disk is full; free some space and run the command again " +
                "(a training run continues from its last checkpoint with `resume`)";
        return new IOException($"cannot write {path}: {reason}", e);
    }

    // The rename itself lives in the folder's entries: without flushing the folder a power cut may forget it (ext4, xfs).
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "open")] private static extern int Open(string path, int flags);
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "fsync")] private static extern int Fsync(int descriptor);
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "close")] private static extern int Close(int descriptor);

    private static void FlushFolder(string folder)
    {
        if (!OperatingSystem.IsLinux()) return; // elsewhere the rename is left to the file system's own ordering
        int descriptor = Open(folder, 0); // O_RDONLY: a folder opens for reading, and fsync on it flushes its entries
        if (descriptor < 0) return;
        Fsync(descriptor);
        Close(descriptor);
    }

    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string temp = $"{full}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
            FlushFolder(Path.GetDirectoryName(full)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Name the file the person asked for (a full disk, a read-only folder, a path under a file), not our temporary one.
            throw CannotWrite(full, e, temp);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
