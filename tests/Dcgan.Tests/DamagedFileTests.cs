using System.Text;
using Dcgan.Interop;
using Dcgan.Models;
using Dcgan.Training;
using static TorchSharp.torch;

namespace Dcgan.Tests;

/// <summary>Damaged checkpoints and weights are found and named, never used; a resume falls back to the newest good checkpoint.</summary>
public class DamagedFileTests
{
    private static TrainingOptions Tiny(string outDir) => new()
    {
        Data = TestData.ImageFolder(6), OutDir = outDir, BatchSize = 3, MaxSteps = 4, CheckpointEvery = 2, KeepCheckpoints = 5,
        SampleEvery = 100, CacheDir = Path.Combine(outDir, "..", "cache"), FixedNoiseCount = 4,
        Model = new ModelOptions { ImageSize = 32, Nz = 8, Ngf = 4, Ndf = 4 },
    };

    /// <summary>Flips 20 bytes inside one entry of a checkpoint (entries are stored uncompressed), as a bad disk would.</summary>
    private static void Damage(string checkpoint, string entry)
    {
        var bytes = File.ReadAllBytes(checkpoint);
        var name = Encoding.ASCII.GetBytes(entry);
        for (int i = 0; i + 30 < bytes.Length; i++)
        {
            // A local file header: "PK\x03\x04", then at 26 the name's length, at 28 the extra field's, at 30 the name.
            if (bytes[i] != 'P' || bytes[i + 1] != 'K' || bytes[i + 2] != 3 || bytes[i + 3] != 4) continue;
            int nameLength = BitConverter.ToUInt16(bytes, i + 26), extraLength = BitConverter.ToUInt16(bytes, i + 28);
            if (!bytes.AsSpan(i + 30, nameLength).SequenceEqual(name)) continue;
            int data = i + 30 + nameLength + extraLength;
            for (int k = 0; k < 20; k++) bytes[data + 600 + k] ^= 0x5A;
            File.WriteAllBytes(checkpoint, bytes);
            return;
        }
        throw new InvalidOperationException($"{entry} not found in {checkpoint}");
    }

    [Fact]
    public void A_checkpoint_with_flipped_bytes_is_refused_by_name_and_never_drawn_from()
    {
        string run = Path.Combine(TestData.TempDir("damaged"), "run");
        new Trainer(Tiny(run)).Run(resume: false);
        string newest = Checkpoint.List(run)[^1];
        Damage(newest, "netG.pth");
        var sample = CliTests.Run("sample", "--checkpoint", newest, "--out", Path.Combine(run, "x.png"));
        Assert.NotEqual(0, sample.Code);
        Assert.Contains("netG.pth does not match its checksum: the checkpoint is damaged", sample.Err);
        Assert.Single(sample.Err.Trim().Split('\n'));
        Assert.False(File.Exists(Path.Combine(run, "x.png")));

        // Damage in a part that sampling does not read (the optimiser state) still names the file as damaged.
        string earlier = Checkpoint.List(run)[0];
        Damage(earlier, "optimG.pth");
        var other = CliTests.Run("sample", "--checkpoint", earlier, "--out", Path.Combine(run, "y.png"));
        Assert.NotEqual(0, other.Code);
        Assert.Contains("optimG.pth does not match its checksum: the checkpoint is damaged", other.Err);
        Assert.False(File.Exists(Path.Combine(run, "y.png")));
    }

    [Fact]
    public void A_resume_of_a_run_without_checkpoints_says_to_start_it_without_resume()
    {
        string run = Path.Combine(TestData.TempDir("no-checkpoint"), "run");
        Directory.CreateDirectory(Path.Combine(run, "samples"));
        var error = Assert.Throws<InputException>(() => Trainer.OptionsForResume(run, epochs: null, maxSteps: null));
        Assert.Contains("has no checkpoint to continue from", error.Message);
        Assert.Contains("without resume", error.Message); // the command says --resume (CliTests)
    }

    [Fact]
    public void A_resume_passes_over_a_damaged_newest_checkpoint_and_says_so()
    {
        string run = Path.Combine(TestData.TempDir("fallback"), "run");
        new Trainer(Tiny(run)).Run(resume: false);
        var checkpoints = Checkpoint.List(run);
        Assert.Equal(2, checkpoints.Count); // steps 2 and 4
        Damage(checkpoints[^1], "optimD.pth");
        File.WriteAllText(Path.Combine(run, Checkpoint.Folder, "step-0000006.ckpt.123.abc.tmp"), "left by a kill");
        var messages = new List<string>();
        var trainer = new Trainer(Trainer.OptionsForResume(run, epochs: null, maxSteps: 6));
        trainer.Message += messages.Add;
        var result = trainer.Run(resume: true);
        Assert.Contains(messages, m => m.Contains("step-0000004.ckpt is damaged and is passed over") &&
            m.Contains("trying step-0000002.ckpt"));
        Assert.Contains(messages, m => m.Contains("Resuming from step-0000002.ckpt at step 2"));
        Assert.Contains(messages, m => m.Contains("Removed step-0000006.ckpt.123.abc.tmp"));
        Assert.Equal(6, result.StepsDone);
        Assert.Empty(Directory.GetFiles(Path.Combine(run, Checkpoint.Folder), "*.tmp"));
        Assert.Equal(6, Checkpoint.ReadState(Checkpoint.Resolve(run)).Step);
    }

    [Fact]
    public void A_damaged_checkpoint_does_not_count_among_the_kept_ones()
    {
        // The probe's replay: with damaged files in the folder, pruning to --keep-checkpoints deleted good checkpoints
        // and kept the damaged ones, leaving one good file (or none) to fall back to.
        string run = Path.Combine(TestData.TempDir("keep-damaged"), "run");
        new Trainer(Tiny(run) with { KeepCheckpoints = 2 }).Run(resume: false); // steps 2 and 4
        string damaged = Path.Combine(run, Checkpoint.Folder, "step-0000005.ckpt"); // a step this run never saves
        File.WriteAllBytes(damaged, File.ReadAllBytes(Checkpoint.List(run)[^1])[..5000]);
        var messages = new List<string>();
        var trainer = new Trainer(Trainer.OptionsForResume(run, epochs: null, maxSteps: 6));
        trainer.Message += messages.Add;
        trainer.Run(resume: true);
        Assert.Equal(["step-0000004.ckpt", "step-0000005.ckpt", "step-0000006.ckpt"],
            Checkpoint.List(run).Select(Path.GetFileName));
        Checkpoint.Verify(Checkpoint.List(run)[0]);
        Checkpoint.Verify(Checkpoint.List(run)[2]);
        Assert.Contains(messages, m => m.Contains("step-0000005.ckpt is damaged") && m.Contains("not counted among the 2"));
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("truncated")]
    [InlineData("end")] // cut short by a few bytes: the zip's central directory is what is missing
    [InlineData("config")]
    public void Resume_and_sampling_fall_back_when_the_newest_checkpoint_is_empty_truncated_or_has_a_damaged_config(string damage)
    {
        // Issue 26's replay: `: > runs/x/checkpoints/step-0000004.ckpt; ./dcgan train --out runs/x --resume` stopped with
        // "not a zip archive", because the settings were read from the newest file before the fallback ran.
        string run = Path.Combine(TestData.TempDir("fallback-" + damage), "run");
        new Trainer(Tiny(run)).Run(resume: false);
        string newest = Checkpoint.List(run)[^1];
        switch (damage)
        {
            case "empty": File.WriteAllBytes(newest, []); break;
            case "truncated": File.WriteAllBytes(newest, File.ReadAllBytes(newest)[..5000]); break;
            case "end": File.WriteAllBytes(newest, File.ReadAllBytes(newest)[..^10]); break;
            default: Damage(newest, "config.json"); break;
        }
        var passedOver = new List<string>();
        Assert.EndsWith("step-0000002.ckpt", Checkpoint.Resolve(run, passedOver.Add));
        Assert.Contains("step-0000004.ckpt is damaged and is passed over", Assert.Single(passedOver));
        if (damage != "config") Assert.Contains("is empty, cut short or another kind of file", passedOver[0]); // in our words
        var sample = CliTests.Run("sample", "--checkpoint", run, "--n", "2", "--out", Path.Combine(run, "x.png"));
        Assert.True(sample.Code == 0, sample.Err);
        Assert.Contains("step-0000002.ckpt", sample.Out);
        Assert.Contains("note: step-0000004.ckpt is damaged and is passed over", sample.Err); // said, not silent
        var resume = CliTests.Run("train", "--out", run, "--resume", "--max-steps", "6");
        Assert.True(resume.Code == 0, resume.Err);
        Assert.Contains("Done: 6 steps", resume.Out);
        // Steps 2 to 6 ran again from step 2's state: step 4 is whole now, and so is every checkpoint.
        Assert.Equal(6, Checkpoint.ReadState(Checkpoint.Resolve(run)).Step);
        foreach (var checkpoint in Checkpoint.List(run)) Checkpoint.Verify(checkpoint);
    }

    [Fact]
    public void Non_finite_weights_are_refused_by_name()
    {
        using var g = new Models.Generator(new ModelOptions { ImageSize = 32, Nz = 8, Ngf = 4 });
        using (no_grad()) g.state_dict()["main.1.weight"].fill_(double.NaN);
        string path = Path.Combine(TestData.TempDir("nan"), "netG.pth");
        PyTorchStateDict.Save(g, path);
        var e = Assert.Throws<InvalidDataException>(() => PyTorchStateDict.LoadGenerator(path));
        Assert.Contains("'main.1.weight' holds values that are not finite numbers", e.Message);
    }

    [Fact]
    public void Latents_that_are_not_finite_or_absurd_are_refused_before_drawing()
    {
        string dir = TestData.TempDir("bad-latents");
        string npy = Path.Combine(dir, "nan.npy"), json = Path.Combine(dir, "huge.json"), many = Path.Combine(dir, "many.npy");
        using (var z = zeros(2, 8)) { z[1, 3] = tensor(float.NaN); Dcgan.Latent.LatentFile.Write(npy, z); }
        File.WriteAllText(json, "[[0,0,0,0,0,0,0,1e300]]");
        using (var z = zeros(1500, 8)) Dcgan.Latent.LatentFile.Write(many, z);
        Assert.Contains("latent 1 holds values that are not finite",
            Assert.Throws<InvalidDataException>(() => Dcgan.Latent.LatentFile.Read(npy, 8)).Message);
        Assert.Contains("latent 0 holds values that are not finite or beyond",
            Assert.Throws<InvalidDataException>(() => Dcgan.Latent.LatentFile.Read(json, 8)).Message);
        var sample = CliTests.Run("sample", "--latents", many,
            "--checkpoint", Path.Combine(AppContext.BaseDirectory, "Fixtures", "pytorch", "netG.pth"), "--out", Path.Combine(dir, "x.png"));
        Assert.NotEqual(0, sample.Code);
        Assert.Contains("holds 1500 latent vectors, at most 1024", sample.Err);
    }
}
