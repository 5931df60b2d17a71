using System.Diagnostics;
using System.Net.Http.Json;
using Dcgan.Data;
using Dcgan.Models;
using Dcgan.Training;
using Dcgan.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace Dcgan.Web.Tests;

/// <summary>
/// The move to PyTorch DDP and back (docs/scale.md): a run of this program exported as state_dicts, trained on by
/// scripts/reference/pytorch_dcgan.py under torchrun with 2 gloo processes, and the result drawn and served here.
/// </summary>
public class ScaleOutTests
{
    [Fact]
    public async Task Two_torchrun_processes_continue_an_exported_run_and_the_studio_serves_what_they_wrote()
    {
        string root = Dcgan.Testing.TestTemp.NewFolder("scale-out");
        Directory.CreateDirectory(root);
        // 16 gray 32x32 images as an IDX file, the format the reference script reads without extra Python packages.
        string idx = Path.Combine(root, "images-idx3-ubyte");
        var pixels = new byte[16 * 32 * 32];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)((i / 32 % 32 * 8 + i / 1024 * 13) % 256);
        IdxFile.WriteImages(idx, 32, 32, pixels);

        // The tutorial's nets at 32 px (what the script builds), one step here, then exported as G and D.
        string run = Path.Combine(root, "run");
        new Trainer(new TrainingOptions
        {
            Data = idx, OutDir = run, BatchSize = 4, MaxSteps = 1, CacheDir = Path.Combine(root, "cache"),
            Model = new ModelOptions { ImageSize = 32, Nc = 1 },
        }).Run(resume: false);
        string exported = Path.Combine(root, "exported");
        Assert.Equal(0, Cli.DcganCli.Run(["export", "--format", "pth", "--checkpoint", run, "--out", exported]));

        string ddp = Path.Combine(root, "ddp");
        var start = new ProcessStartInfo("/usr/bin/torchrun") { RedirectStandardOutput = true, RedirectStandardError = true };
        // --redirects 1 --tee 1: Debian 12's torchrun (PyTorch 1.13 on Python 3.11) fails to parse its default of 0.
        foreach (string a in new[] { "--nproc_per_node", "2", "--redirects", "1", "--tee", "1", "--log_dir", Path.Combine(root, "logs"),
                     Path.Combine(RepositoryRoot, "scripts", "reference", "pytorch_dcgan.py"), "--data", idx, "--image-size", "32",
                     "--steps", "3", "--batch-size", "8", "--ema", "0.9", "--augment", "translation",
                     "--netG", Path.Combine(exported, "netG.pth"), "--netD", Path.Combine(exported, "netD.pth"), "--out", ddp })
            start.ArgumentList.Add(a);
        start.Environment["OMP_NUM_THREADS"] = "1";
        using (var torchrun = Process.Start(start)!)
        {
            var output = torchrun.StandardOutput.ReadToEndAsync();
            var errors = torchrun.StandardError.ReadToEndAsync();
            Assert.True(torchrun.WaitForExit(180_000), "torchrun did not finish within 3 minutes");
            string printed = await output, complaints = await errors;
            Assert.True(torchrun.ExitCode == 0, $"torchrun (Debian's python3-torch, as .ci/run installs it) failed: {printed}{complaints}");
            Assert.Contains("16 images of (1, 32, 32) on cpu, 2 processes", printed);
            Assert.Contains("3 steps in", printed);
        }

        // What the processes wrote is what `dcgan export` writes, and loads strictly here.
        foreach (string name in new[] { "netG.pth", "netD.pth", "netG_ema.pth", "netG-step3.pth" })
            Assert.True(File.Exists(Path.Combine(ddp, name)), $"{name} is missing");
        using (var before = GanGenerator.Load(Path.Combine(exported, "netG.pth")))
        using (var after = GanGenerator.Load(Path.Combine(ddp, "netG.pth")))
            Assert.NotEqual(before.WeightsHash, after.WeightsHash); // the two processes trained it

        // The studio serves it: the page's image of a seed is the library's.
        using var netG = GanGenerator.Load(Path.Combine(ddp, "netG_ema.pth"));
        await using var app = StudioServer.Build(
            new StudioOptions { Checkpoint = Path.Combine(ddp, "netG_ema.pth"), RunsDir = Path.Combine(root, "no-runs") },
            b => b.WebHost.UseTestServer());
        await app.StartAsync();
        var client = app.GetTestClient();
        var models = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/models");
        string id = models.GetProperty("models")[0].GetProperty("id").GetString()!;
        Assert.Equal(netG.Draw(5).ToPng(), await client.GetByteArrayAsync($"/api/models/{id}/images/5.png"));
        Assert.Equal((32, 1), (netG.ImageSize, netG.Channels));
    }

    private static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "DcganStudio.slnx"))) return dir.FullName;
            throw new DirectoryNotFoundException("the repository root (DcganStudio.slnx) is not above " + AppContext.BaseDirectory);
        }
    }
}
