namespace Dcgan.Training;

/// <summary>
/// One `dcgan train` per run directory: an exclusive lock on RUN/train.lock, held for the whole run. The operating
/// system drops it when the process ends in any way (exit, crash, kill -9), so a lock left by a crash is never
/// stale. Checked before anything in the run is read, so two trainers can never interleave their files.
/// </summary>
internal sealed class RunLock : IDisposable
{
    public const string FileName = "train.lock";
    private readonly FileStream stream;

    private RunLock(FileStream stream) => this.stream = stream;

    public static RunLock Acquire(string runDir)
    {
        for (var folder = new DirectoryInfo(Path.GetFullPath(runDir)); folder is not null; folder = folder.Parent)
            if (File.Exists(folder.FullName))
                throw new InputException("outDir", InputProblem.Invalid,
                    $": cannot create run directory '{runDir}': {folder.FullName} is a file, not a folder; choose another `outDir`");
        Directory.CreateDirectory(runDir);
        string path = Path.Combine(runDir, FileName);
        // A reader checking the lock (the studio's run state) holds it for an instant: try a few times before giving up.
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                try
                {
                    stream.SetLength(0);
                    using (var writer = new StreamWriter(stream, leaveOpen: true))
                        writer.Write($"pid {Environment.ProcessId}, since {DateTimeOffset.UtcNow:O}\n");
                }
                catch
                {
                    stream.Dispose(); // a full disk: let go of the file, or its folder stays busy
                    throw;
                }
                return new RunLock(stream);
            }
            catch (IOException e) when (IsLockConflict(e) && attempt < 10)
            {
                Thread.Sleep(100);
            }
            catch (IOException e) when (IsLockConflict(e))
            {
                throw new InputException("outDir", InputProblem.RunLocked, $": run directory '{runDir}' is in use by another " +
                    $"training process (it holds {FileName}); wait for it to finish, stop it, or choose another `outDir`");
            }
            catch (IOException e)
            {
                // Anything else (a read-only or full disk) is that problem, not a second trainer.
                throw Imaging.AtomicFile.CannotWrite(path, e);
            }
        }
    }

    /// <summary>
    /// The lock is held by another process: .NET reports flock's EWOULDBLOCK as a sharing violation whose HResult is the
    /// errno (11 on Linux, 35 on macOS), and Windows its own sharing violation.
    /// </summary>
    private static bool IsLockConflict(IOException e) => e.HResult is 11 or 35 or unchecked((int)0x80070020);

    /// <summary>Whether a trainer holds the lock of this run now.</summary>
    public static bool IsHeld(string runDir)
    {
        string path = Path.Combine(runDir, FileName);
        if (!File.Exists(path)) return false;
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return false;
        }
        catch (IOException) { return true; }
        catch (UnauthorizedAccessException) { return false; }
    }

    public void Dispose() => stream.Dispose();
}
