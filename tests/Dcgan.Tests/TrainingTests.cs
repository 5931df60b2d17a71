using Dcgan.Generation;
using Dcgan.Models;
using Dcgan.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dcgan.Tests;

public class TrainingTests
{
    private static TrainingOptions Tiny(string data, string outDir, LossKind loss = LossKind.Bce) => new()
    {
        Data = data, OutDir = outDir, BatchSize = 4, Epochs = 2, Seed = 11, SampleEvery = 100, CheckpointEvery = 2, KeepCheckpoints = 10,
        CacheDir = Path.Combine(outDir, "..", "cache"), FixedNoiseCount = 4,
        Model = new ModelOptions { ImageSize = 32, Nz = 8, Ngf = 4, Ndf = 4, Loss = loss },
    };

    private static Dictionary<string, Tensor> Weights(string checkpoint)
    {
        var options = Checkpoint.ReadOptions(checkpoint);
        var g = new Models.Generator(options.Model);
        var d = new Discriminator(options.Model);
        var optG = optim.Adam(g.parameters());
        var optD = optim.Adam(d.parameters());
        Checkpoint.LoadAll(checkpoint, g, d, optG, optD);
        // Copies: the modules' own tensors go with them when the garbage collector takes the modules.
        return g.state_dict().Select(kv => ("G." + kv.Key, kv.Value.detach().clone()))
            .Concat(d.state_dict().Select(kv => ("D." + kv.Key, kv.Value.detach().clone()))).ToDictionary();
    }

    [Fact]
    public void A_run_directory_takes_one_trainer_at_a_time_and_says_whether_it_is_training()
    {
        string data = TestData.ImageFolder(6);
        var options = Tiny(data, Path.Combine(TestData.TempDir("lock"), "run")) with { MaxSteps = 2 };
        using (RunLock.Acquire(options.OutDir))
        {
            // Another process (here: another open of the lock) is writing the run: a second trainer is refused before it reads anything.
            var e = Assert.Throws<InputException>(() => new Trainer(options).Run(resume: false));
            Assert.Contains("is in use by another training process", e.Message);
            Assert.Equal(InputProblem.RunLocked, e.Problem);
            Assert.Equal(RunState.Training, RunStatus.Of(options.OutDir).State);
            Assert.False(Directory.Exists(Path.Combine(options.OutDir, "checkpoints")));
        }
        new Trainer(options).Run(resume: false);
        Assert.Equal(new RunStatus(RunState.Finished, 2, 2), RunStatus.Of(options.OutDir));
        // Asked for more steps than it has done (as `--resume --max-steps 3` records): stopped, not finished.
        File.WriteAllText(Path.Combine(options.OutDir, "config.json"),
            File.ReadAllText(Path.Combine(options.OutDir, "config.json")).Replace("\"totalSteps\": 2", "\"totalSteps\": 3"));
        Assert.Equal(RunState.Stopped, RunStatus.Of(options.OutDir).State);
    }

    [Theory]
    [InlineData(nameof(LossKind.Bce))]
    [InlineData(nameof(LossKind.WganGp))]
    public void A_resumed_run_ends_with_the_same_weights_as_an_uninterrupted_one(string lossName)
    {
        var loss = Enum.Parse<LossKind>(lossName); // test data names it: the enum is internal
        string data = TestData.ImageFolder(10);   // 3 steps per epoch at batch 4, so the run crosses an epoch
        string root = TestData.TempDir("resume");
        var straight = Tiny(data, Path.Combine(root, "straight"), loss) with { MaxSteps = 5 };
        var straightResult = new Trainer(straight).Run(resume: false);
        Assert.Equal(5, straightResult.StepsDone);

        var interrupted = straight with { OutDir = Path.Combine(root, "interrupted"), MaxSteps = 2 };
        new Trainer(interrupted).Run(resume: false);
        var resumed = Trainer.OptionsForResume(interrupted.OutDir, epochs: null, maxSteps: 5);
        var result = new Trainer(resumed).Run(resume: true);
        Assert.Equal(5, result.StepsDone);

        var a = Weights(straightResult.LastCheckpoint!);
        var b = Weights(result.LastCheckpoint!);
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var key in a.Keys)
            Assert.True(a[key].shape.SequenceEqual(b[key].shape) && a[key].eq(b[key]).all().item<bool>(), $"{key} differs after resume");
        Assert.True(Checkpoint.ReadState(result.LastCheckpoint!).Step == 5);

        // metrics.csv holds each step once, in order, even though steps 2-4 ran in a second process.
        var rows = MetricsLog.Read(Path.Combine(interrupted.OutDir, "metrics.csv"));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => (long)i), rows.Select(r => r.Step));
    }

    [Fact]
    public void A_learning_rate_decay_holds_then_falls_to_zero_resumes_exactly_and_may_be_added_before_it_begins()
    {
        var decay = new LearningRateDecay { From = 1, To = 3 };
        Assert.Equal([1, 1, 0.5, 0, 0], Enumerable.Range(0, 5).Select(step => decay.Factor(step)));
        Assert.Null(Trainer.DecayNote(decay, 3));
        Assert.Contains("the run's last 2 steps learn nothing; end the decay at step 5", Trainer.DecayNote(decay, 5));
        Assert.Contains("the run ends at step 2, before `lrDecay` (1-3) brings", Trainer.DecayNote(decay, 2));

        string data = TestData.ImageFolder(10);
        string root = TestData.TempDir("lr-decay");
        // Two different rates, so that each net's rate is seen to follow its own base rate.
        var straight = Tiny(data, Path.Combine(root, "straight")) with { MaxSteps = 5, LrDecay = decay, LrG = 3e-4, LrD = 1e-4 };
        using (var gan = new GanPair(straight, CPU))
        using (var random = new TorchSharp.torch.Generator(1))
        {
            using (NewDisposeScope()) gan.Step(rand(4, 3, 32, 32).mul(2).sub(1), random, 2);
            Assert.Equal(1.5e-4, gan.OptimizerG.ParamGroups.Single().LearningRate, 1e-12);
            Assert.Equal(0.5e-4, gan.OptimizerD.ParamGroups.Single().LearningRate, 1e-12);
        }
        new Trainer(straight).Run(resume: false);
        // Learned weights only: BatchNorm's running statistics move with every forward pass, whatever the rate.
        Dictionary<string, Tensor> Learned(string run, long step) => Weights(Path.Combine(run, "checkpoints", $"step-{step:D7}.ckpt"))
            .Where(kv => !kv.Key.Contains("running_") && !kv.Key.Contains("num_batches")).ToDictionary();
        bool Same(Dictionary<string, Tensor> a, Dictionary<string, Tensor> b) => a.Keys.All(k => a[k].eq(b[k]).all().item<bool>());
        var atTwo = Learned(straight.OutDir, 2);
        var atFour = Learned(straight.OutDir, 4);
        var atFive = Learned(straight.OutDir, 5);
        Assert.False(Same(atTwo, atFour));  // step 2 (0-based) still learns, at half the rate
        Assert.True(Same(atFour, atFive));  // from step 3 the rates are 0: nothing learned moves

        // Interrupted at step 2 and resumed: the same weights as the run that went straight through.
        var interrupted = straight with { OutDir = Path.Combine(root, "interrupted"), MaxSteps = 2 };
        new Trainer(interrupted).Run(resume: false);
        var resumed = new Trainer(Trainer.OptionsForResume(interrupted.OutDir, epochs: null, maxSteps: 5)).Run(resume: true);
        Assert.True(Same(atFive, Learned(interrupted.OutDir, resumed.StepsDone)));

        // A run without one takes a decay on resume while the decay would not have changed a step taken: 1-3 on a run at
        // step 2 (steps 0 and 1 at the full rate either way) gives exactly the run that had it from the start. One that
        // would have lowered a step already taken is refused, and so is a change once the run's own decay has begun.
        var plain = straight with { OutDir = Path.Combine(root, "plain"), MaxSteps = 2, LrDecay = null };
        new Trainer(plain).Run(resume: false);
        var late = Assert.Throws<InputException>(() => Trainer.OptionsForResume(plain.OutDir, null, 5, new LearningRateDecay { From = 0, To = 3 }));
        Assert.Contains("would start at step 0, but the run is at step 2 already", late.Message);
        Assert.Contains("start it at step 1 or later", late.Message);
        var added = Trainer.OptionsForResume(plain.OutDir, null, 5, decay);
        Assert.Equal(decay, added.LrDecay);
        new Trainer(added).Run(resume: true);
        Assert.Equal(decay, Checkpoint.ReadOptions(Checkpoint.Resolve(plain.OutDir)).LrDecay);
        Assert.True(Same(atFive, Learned(plain.OutDir, 5)));
        var begun = Assert.Throws<InputException>(() => Trainer.OptionsForResume(plain.OutDir, null, 8, new LearningRateDecay { From = 6, To = 8 }));
        Assert.Contains("the run's decay (1-3) has already lowered the rates (from step 2)", begun.Message);
    }

    [Fact]
    public void The_ema_of_g_averages_weights_copies_batchnorm_statistics_resumes_exactly_and_is_what_sampling_uses()
    {
        var options = Tiny(TestData.ImageFolder(10), Path.Combine(TestData.TempDir("ema"), "straight"))
            with { EmaDecay = 0.9, MaxSteps = 5 };
        using (var gan = new GanPair(options, CPU))
        {
            var before = gan.Generator.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
            using var random = new TorchSharp.torch.Generator(1);
            using (NewDisposeScope()) gan.Step(rand(4, 3, 32, 32).mul(2).sub(1), random, 0);
            var after = gan.Generator.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            foreach (var (name, average) in gan.GeneratorEma!.named_parameters())
                Assert.True(average.allclose(before[name].mul(0.9).add(after[name].mul(0.1)), atol: 1e-7), name);
            var buffers = gan.Generator.named_buffers().ToDictionary(b => b.name, b => b.buffer);
            foreach (var (name, buffer) in gan.GeneratorEma.named_buffers()) Assert.True(buffer.eq(buffers[name]).all().item<bool>(), name);
        }

        var straight = new Trainer(options).Run(resume: false);
        var interrupted = options with { OutDir = Path.Combine(Path.GetDirectoryName(options.OutDir)!, "interrupted"), MaxSteps = 3 };
        new Trainer(interrupted).Run(resume: false);
        var resumed = new Trainer(Trainer.OptionsForResume(interrupted.OutDir, null, 5)).Run(resume: true);
        using var a = new Models.Generator(options.Model);
        using var b = new Models.Generator(options.Model);
        Assert.True(Checkpoint.TryLoadGeneratorEma(straight.LastCheckpoint!, a));
        Assert.True(Checkpoint.TryLoadGeneratorEma(resumed.LastCheckpoint!, b));
        Assert.Equal(Models.ModelFingerprint.Of(a), Models.ModelFingerprint.Of(b));

        using var sampled = Generation.ModelLoader.LoadGenerator(straight.LastCheckpoint!, out _);
        using var raw = new Models.Generator(options.Model);
        Checkpoint.LoadGenerator(straight.LastCheckpoint!, raw);
        Assert.Equal(Models.ModelFingerprint.Of(a), Models.ModelFingerprint.Of(sampled));
        Assert.NotEqual(Models.ModelFingerprint.Of(raw), Models.ModelFingerprint.Of(sampled));

        // --weights picks either generator of the checkpoint; asking for an average that was never kept is an error.
        // The saved average carries BatchNorm statistics measured for its own weights, not G's.
        using (var remeasured = new Models.Generator(options.Model))
        {
            Checkpoint.TryLoadGeneratorEma(straight.LastCheckpoint!, remeasured);
            var saved = remeasured.named_buffers().ToDictionary(b => b.name, b => b.buffer.clone());
            BatchNormRecalibration.Apply(remeasured, GanPair.EmaRecalibrationSamples, 64, 0);
            var trained = raw.named_buffers().ToDictionary(b => b.name, b => b.buffer);
            foreach (var (name, buffer) in remeasured.named_buffers().Where(b => b.name.EndsWith("running_mean")))
            {
                Assert.True(buffer.allclose(saved[name], rtol: 1e-5, atol: 1e-6), name);
                Assert.False(buffer.allclose(trained[name], rtol: 1e-3, atol: 1e-5), name);
            }
        }

        using var rawByChoice = Generation.ModelLoader.LoadGenerator(straight.LastCheckpoint!, out _, Generation.GeneratorWeights.Raw);
        Assert.Equal(Models.ModelFingerprint.Of(raw), Models.ModelFingerprint.Of(rawByChoice));
        using var emaByChoice = Generation.ModelLoader.LoadGenerator(straight.LastCheckpoint!, out _, Generation.GeneratorWeights.Ema);
        Assert.Equal(Models.ModelFingerprint.Of(a), Models.ModelFingerprint.Of(emaByChoice));
        var noEma = new Trainer(options with
        {
            OutDir = Path.Combine(Path.GetDirectoryName(options.OutDir)!, "no-ema"), EmaDecay = null, MaxSteps = 1
        }).Run(resume: false);
        var error = Assert.Throws<InputException>(() =>
            Generation.ModelLoader.LoadGenerator(noEma.LastCheckpoint!, out _, Generation.GeneratorWeights.Ema));
        Assert.Contains("emaDecay", error.Message); // the library's name for the command's --ema
    }

    [Fact]
    public void A_run_writes_config_metrics_samples_plot_and_checkpoints()
    {
        string data = TestData.ImageFolder(8);
        var options = Tiny(data, Path.Combine(TestData.TempDir("run"), "run")) with { Epochs = 1, SampleEvery = 1 };
        var result = new Trainer(options).Run(resume: false);
        Assert.Equal(2, result.StepsDone);
        string dir = options.OutDir;
        Assert.Contains("\"loss\": \"bce\"", File.ReadAllText(Path.Combine(dir, "config.json")));
        var lines = File.ReadAllLines(Path.Combine(dir, "metrics.csv"));
        Assert.Equal(MetricsRow.Header, lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.True(File.Exists(Path.Combine(dir, "samples", "step-0000001.png")));
        Assert.True(File.Exists(Path.Combine(dir, "samples", "step-0000002.png")));
        Assert.True(new FileInfo(Path.Combine(dir, "losses.png")).Length > 1000);
        Assert.Equal(Checkpoint.PathFor(dir, 2), Checkpoint.Resolve(dir));
        Assert.Empty(Directory.GetFiles(dir, "*.tmp", SearchOption.AllDirectories));

        // Starting again into the same directory without --resume must not overwrite anything.
        var e = Assert.Throws<InputException>(() => new Trainer(options).Run(resume: false));
        Assert.Contains("add resume to continue it", e.Message);
        Assert.Equal(InputProblem.RunExists, e.Problem);
    }

    [Fact]
    public void Cancelling_writes_a_checkpoint_that_resumes()
    {
        string data = TestData.ImageFolder(8);
        var options = Tiny(data, Path.Combine(TestData.TempDir("cancel"), "run")) with { CheckpointEvery = 100 };
        using var cancel = new CancellationTokenSource();
        var progress = new InlineProgress(p => { if (p.Step == 3) cancel.Cancel(); });
        var result = new Trainer(options).Run(resume: false, progress, cancel.Token);
        Assert.True(result.Cancelled);
        Assert.Equal(3, result.StepsDone);
        Assert.Equal(3, Checkpoint.ReadState(Checkpoint.Resolve(options.OutDir)).Step);

        // The checkpoint written on cancel resumes, and the run ends where an uninterrupted one does, weight for weight.
        var resumed = new Trainer(Trainer.OptionsForResume(options.OutDir, epochs: null, maxSteps: null)).Run(resume: true);
        Assert.Equal(4, resumed.StepsDone); // 2 epochs of 2 steps
        var straight = new Trainer(options with { OutDir = Path.Combine(options.OutDir, "..", "straight") }).Run(resume: false);
        var (a, b) = (Weights(straight.LastCheckpoint!), Weights(resumed.LastCheckpoint!));
        foreach (var key in a.Keys) Assert.True(a[key].eq(b[key]).all().item<bool>(), $"{key} differs after cancel and resume");
    }

    [Fact]
    public void Sampling_is_independent_of_the_batch()
    {
        // The tutorial's model: batch-size-dependent kernel choices would show here.
        var g = new Models.Generator(new ModelOptions());
        WeightInit.Apply(g, new TorchSharp.torch.Generator(3));
        // Give BatchNorm non-trivial running statistics, as training would.
        using (no_grad()) { g.train(); for (int i = 0; i < 3; i++) g.forward(randn(8, 100, 1, 1)); }
        using var sampler = new ImageSampler(g);
        var seeds = Enumerable.Range(100, 17).Select(i => (long)i).ToList();
        var batch = sampler.RenderSeeds(seeds);
        for (int i = 0; i < seeds.Count; i += 5)
        {
            var alone = sampler.RenderSeeds([seeds[i]]);
            Assert.Equal(alone[0].Pixels, batch[i].Pixels);
        }
        var shuffled = sampler.RenderSeeds([seeds[3], 7, seeds[0]]);
        Assert.Equal(batch[3].Pixels, shuffled[0].Pixels);
        Assert.Equal(batch[0].Pixels, shuffled[2].Pixels);
    }

    [Fact]
    public void A_checkpoint_that_does_not_fit_its_config_is_a_clear_error()
    {
        Assert.Contains("does not exist", Assert.Throws<FileNotFoundException>(() => Checkpoint.Resolve("/no/such.ckpt")).Message);
        string bogus = Path.Combine(TestData.TempDir("bogus"), "x.ckpt");
        File.WriteAllText(bogus, "hello");
        Assert.Contains("not a readable DCGAN Studio checkpoint: it is empty, cut short", Assert.Throws<InvalidDataException>(() => Checkpoint.ReadOptions(bogus)).Message);

        // A real checkpoint whose config.json was edited to describe wider nets than its weights: every loader refuses
        // it by the first weight that does not fit, with both shapes, instead of drawing with half-loaded weights.
        string root = TestData.TempDir("mismatch");
        var options = TestData.TinyRun(root);
        string checkpoint = new Trainer(options).Run(resume: false).LastCheckpoint!;
        using (var zip = System.IO.Compression.ZipFile.Open(checkpoint, System.IO.Compression.ZipArchiveMode.Update))
        {
            var config = zip.GetEntry("config.json")!;
            config.Delete();
            using var writer = new StreamWriter(zip.CreateEntry("config.json").Open());
            writer.Write(DcganJson.Serialize(options with { Model = options.Model with { Ngf = options.Model.Ngf * 2 } }));
        }
        var loading = Assert.Throws<InvalidDataException>(() => Generation.ModelLoader.LoadGenerator(checkpoint, out _));
        Assert.Contains(checkpoint, loading.Message);
        Assert.Contains("main.0.weight", loading.Message);
        Assert.Contains($"[{options.Model.Nz}, {options.Model.Ngf * 8}, 4, 4]", loading.Message); // what the weights hold
        var sample = CliTests.Run("sample", "--checkpoint", checkpoint, "--n", "1", "--out", Path.Combine(root, "x.png"));
        Assert.Equal(1, sample.Code);
        Assert.Contains("main.0.weight", sample.Err);
        Assert.False(File.Exists(Path.Combine(root, "x.png")));
    }

    private sealed class InlineProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
