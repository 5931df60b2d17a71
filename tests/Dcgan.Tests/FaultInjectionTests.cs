using System.Diagnostics;
using Dcgan.Models;
using Dcgan.Training;
using static TorchSharp.torch;

namespace Dcgan.Tests;

/// <summary>
/// Faults as they happen to real runs: `dcgan train` in a child process killed with SIGKILL at arbitrary moments
/// (with a checkpoint written every step, many kills land during a write), then resumed by another child process.
/// Nothing may be lost but the steps since the last checkpoint, and the run must end with the weights of a run
/// that was never interrupted.
/// </summary>
public class FaultInjectionTests
{
    private static Process Train(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "dcgan.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        process.StandardOutput.ReadToEndAsync();
        process.StandardError.ReadToEndAsync();
        return process;
    }

    private static Tensor Weights(string checkpoint)
    {
        var options = Checkpoint.ReadOptions(checkpoint).Model;
        var g = new Models.Generator(options);
        var d = new Discriminator(options);
        Checkpoint.LoadGenerator(checkpoint, g);
        Checkpoint.LoadDiscriminator(checkpoint, d);
        return cat(g.parameters().Concat(d.parameters()).Select(p => p.detach().flatten()).ToList(), 0);
    }

    [Fact]
    public void Runs_killed_again_and_again_resume_to_the_weights_of_an_uninterrupted_run()
    {
        string root = TestData.TempDir("kill");
        string data = TestData.ImageFolder(12);
        string[] Flags(string run) => ["train", "--data", data, "--out", run, "--image-size", "32", "--nz", "8", "--ngf", "4", "--ndf", "4",
            "--batch-size", "3", "--epochs", "1000", "--max-steps", "120", "--checkpoint-every", "1", "--keep-checkpoints", "3",
            "--sample-every", "4", "--seed", "5", "--cache-dir", Path.Combine(root, "cache")];
        string straight = Path.Combine(root, "straight"), killed = Path.Combine(root, "killed");
        Assert.Equal(0, CliTests.Run(Flags(straight)).Code);

        var random = new Random(11);
        string metrics = Path.Combine(killed, "metrics.csv");
        long Logged() { try { return MetricsLog.Read(metrics).LastOrDefault()?.Step ?? -1; } catch (IOException) { return -1; } }
        int kills = 0;
        for (int attempt = 0; attempt < 4; attempt++)
        {
            bool resume = Checkpoint.List(killed).Count > 0;
            long before = Logged();
            using var child = Train(resume ? [.. Flags(killed), "--resume"] : Flags(killed));
            // Let it train a random number of steps (each one writes a checkpoint), then SIGKILL it wherever it is.
            long target = before + random.Next(3, 20);
            var clock = Stopwatch.StartNew();
            while (Logged() < target && !child.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(5);
            Thread.Sleep(random.Next(0, 15));
            if (child.HasExited) break;
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
            kills++;
        }
        Assert.True(kills >= 3, $"only {kills} kills landed before the run ended: make the run longer");

        // Whatever state the kills left, a resume finishes the run (from scratch if no checkpoint was written yet).
        string[] last = Checkpoint.List(killed).Count > 0 ? [.. Flags(killed), "--resume"] : Flags(killed);
        using (var finish = Train(last))
        {
            Assert.True(finish.WaitForExit(120_000), "the final resume did not finish");
            Assert.Equal(0, finish.ExitCode);
        }
        Assert.Empty(Directory.GetFiles(killed, "*.tmp", SearchOption.AllDirectories));
        Assert.Equal(120, Checkpoint.ReadState(Checkpoint.Resolve(killed)).Step);
        Assert.True(Weights(Checkpoint.Resolve(straight)).eq(Weights(Checkpoint.Resolve(killed))).all().item<bool>(),
            $"after {kills} kills the weights differ from the uninterrupted run's");
        var rows = MetricsLog.Read(Path.Combine(killed, "metrics.csv"));
        Assert.Equal(Enumerable.Range(0, 120).Select(i => (long)i), rows.Select(r => r.Step)); // each step once, in order
    }

    /// <summary>Runs mount (the tests run as root here and in CI, which is what a tiny filesystem needs).</summary>
    private static void Mount(params string[] args)
    {
        var start = new ProcessStartInfo("mount") { RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"mount {string.Join(' ', args)} failed (the disk-full test needs root, as CI has): {error}");
    }

    /// <summary>Lazy and unchecked: a failed test must not be hidden by a busy unmount, nor leave the mount behind.</summary>
    private static void Unmount(string path) => Process.Start("umount", ["-l", path])?.WaitForExit(10_000);

    [Fact]
    public void A_full_disk_stops_the_run_with_one_line_and_after_room_is_made_it_resumes_to_the_uninterrupted_weights()
    {
        string root = TestData.TempDir("disk-full");
        string data = TestData.ImageFolder(12);
        string disk = Path.Combine(root, "disk");
        Directory.CreateDirectory(disk);
        string[] Flags(string run) => ["train", "--data", data, "--out", run, "--image-size", "32", "--nz", "8", "--ngf", "4", "--ndf", "4",
            "--batch-size", "3", "--epochs", "1000", "--max-steps", "60", "--checkpoint-every", "2", "--keep-checkpoints", "2",
            "--sample-every", "2", "--seed", "9", "--cache-dir", Path.Combine(root, "cache")];
        string straight = Path.Combine(root, "straight");
        Assert.Equal(0, CliTests.Run(Flags(straight)).Code);

        // The same run on a filesystem too small for it: the disk fills during some write (a checkpoint, a grid or metrics).
        Mount("-t", "tmpfs", "-o", "size=160k", "tmpfs", disk);
        try
        {
            string run = Path.Combine(disk, "run");
            var full = CliTests.Run(Flags(run));
            Assert.NotEqual(0, full.Code);
            string message = full.Err.Trim();
            Assert.DoesNotContain("\n", message);                 // one line, no stack trace
            Assert.DoesNotContain(" at Dcgan", message);
            Assert.Contains("disk", message, StringComparison.OrdinalIgnoreCase);
            Assert.Contains(run, message);                         // names the file it could not write
            Assert.Contains("--resume", message);                  // and what to do
            Assert.True(Checkpoint.List(run).Count > 0, "the disk filled before any checkpoint: give it more room");
            Assert.True(Checkpoint.ReadState(Checkpoint.Resolve(run)).Step < 59,
                "the run finished despite the full disk: make the disk smaller");

            // Room is made (the person frees space); the same command with --resume finishes from the last good checkpoint.
            Mount("-o", "remount,size=8m", disk);
            var resumed = CliTests.Run([.. Flags(run), "--resume"]);
            Assert.True(resumed.Code == 0, resumed.Err);
            Assert.Empty(Directory.GetFiles(run, "*.tmp", SearchOption.AllDirectories));
            Assert.True(Weights(Checkpoint.Resolve(straight)).eq(Weights(Checkpoint.Resolve(run))).all().item<bool>(),
                "after the full disk and the resume the weights differ from the uninterrupted run's");
            Assert.Equal(Enumerable.Range(0, 60).Select(i => (long)i),
                MetricsLog.Read(Path.Combine(run, "metrics.csv")).Select(r => r.Step));
        }
        finally { Unmount(disk); }
    }

    [Fact]
    public void A_read_only_or_full_disk_and_an_out_under_a_file_are_named_as_such_not_as_a_run_in_use()
    {
        string root = TestData.TempDir("unwritable");
        string data = TestData.ImageFolder(6);
        string[] Flags(string run) => ["train", "--data", data, "--out", run, "--image-size", "32", "--nz", "8", "--ngf", "4", "--ndf", "4",
            "--batch-size", "3", "--max-steps", "2", "--cache-dir", Path.Combine(root, "cache")];
        string disk = Path.Combine(root, "disk");
        Directory.CreateDirectory(disk);
        Mount("-t", "tmpfs", "-o", "size=1m", "tmpfs", disk);
        try
        {
            Directory.CreateDirectory(Path.Combine(disk, "existing"));
            Mount("-o", "remount,ro", disk);
            var readOnly = CliTests.Run(Flags(Path.Combine(disk, "existing")));
            Assert.NotEqual(0, readOnly.Code);
            Assert.Contains("Read-only file system", readOnly.Err);
            Assert.DoesNotContain("in use", readOnly.Err);

            Mount("-o", "remount,rw", disk);
            File.WriteAllBytes(Path.Combine(disk, "filler"), new byte[1 << 20]); // tmpfs stops at its size: the disk is now full
            var full = CliTests.Run(Flags(Path.Combine(disk, "new-run")));
            Assert.NotEqual(0, full.Code);
            Assert.Contains("disk", full.Err);
            Assert.DoesNotContain("in use", full.Err);
        }
        finally { Unmount(disk); }

        string file = Path.Combine(root, "a-file");
        File.WriteAllText(file, "not a folder");
        var underFile = CliTests.Run(Flags(Path.Combine(file, "run")));
        Assert.NotEqual(0, underFile.Code);
        Assert.Contains($"{file} is a file, not a folder", underFile.Err);
    }
}
