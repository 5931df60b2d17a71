namespace Dcgan.Training;

/// <summary>
/// One `dcgan train` per run directory: an exclusive lock on RUN/train.lock, held for the whole run. The operating
/// system drops it when the process ends in any way (exit, crash, kill -9), so a lock left by a crash is never
/// stale. Checked before anything in the run is read, so two trainers can never interleave their files.
/// </summary>
public sealed class RunLock : IDisposable
{
    public const string FileName = "train.lock";
    private readonly FileStream stream;

    private RunLock(FileStream stream) => this.stream = stream;

    public static RunLock Acquire(string runDir)
    {
        Directory.CreateDirectory(runDir);
        string path = Path.Combine(runDir, FileName);
        // A reader checking the lock (the studio's run state) holds it for an instant: try a few times before giving up.
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                stream.SetLength(0);
                using (var writer = new StreamWriter(stream, leaveOpen: true))
                    writer.Write($"pid {Environment.ProcessId}, since {DateTimeOffset.UtcNow:O}\n");
                return new RunLock(stream);
            }
            catch (IOException) when (attempt < 10 && File.Exists(path))
            {
                Thread.Sleep(100);
            }
            catch (IOException)
            {
                throw new InvalidOperationException($"run directory '{runDir}' is in use by another `dcgan train` (it holds {FileName}); " +
                    "wait for it to finish, stop it, or choose another --out");
            }
        }
    }

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
