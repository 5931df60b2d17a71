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
            "--batch-size", "3", "--epochs", "1000", "--max-steps", "120", "--checkpoint-every", "1", "--keep-checkpoints", "3", "--sample-every", "4", "--seed", "5",
            "--cache-dir", Path.Combine(root, "cache")];
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
}
