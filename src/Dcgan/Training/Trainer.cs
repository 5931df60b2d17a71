using System.Diagnostics;
using Dcgan.Data;
using Dcgan.Imaging;
using Dcgan.Latent;
using Dcgan.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using TorchGenerator = TorchSharp.torch.Generator;

namespace Dcgan.Training;

/// <summary>How a run ended.</summary>
internal sealed record TrainingResult(long StepsDone, long TotalSteps, string? LastCheckpoint, bool Cancelled);

/// <summary>
/// The DCGAN training loop of the PyTorch tutorial: per step, D on a real batch and on detached fakes, then G with
/// the non-saturating loss. Every random draw of step N comes from generators seeded by (seed, N), and the batch of
/// step N from a permutation seeded by (seed, epoch), so a run resumed from any checkpoint ends with the same
/// weights as an uninterrupted one.
/// </summary>
internal sealed class Trainer
{

    public TrainingOptions Options { get; }

    /// <summary>Lines worth showing a person (cache built, files skipped, checkpoints written).</summary>
    public event Action<string>? Message;

    public Trainer(TrainingOptions options) => Options = options.Validate();

    /// <summary>
    /// On resume, continue even when the data set differs from the one the run started on (with a warning); otherwise such
    /// a resume is refused, since the run would silently train on other images with other step counts.
    /// </summary>
    public bool AcceptChangedData { get; init; }

    /// <summary>
    /// The options of an existing run (its newest checkpoint's config), with new bounds where given, and a new learning-rate
    /// decay where given: allowed while neither the run's decay nor the new one has begun, since the steps so far are then
    /// the ones a run started with the new decay would have taken.
    /// </summary>
    public static TrainingOptions OptionsForResume(string runDir, int? epochs, long? maxSteps, LearningRateDecay? lrDecay = null)
    {
        if (Directory.Exists(runDir) && Checkpoint.List(runDir).Count == 0)
            throw NoCheckpoint(runDir);
        string newest = Checkpoint.Resolve(runDir);
        var saved = Checkpoint.ReadOptions(newest);
        var options = saved with { OutDir = runDir, Epochs = epochs ?? saved.Epochs, MaxSteps = maxSteps ?? saved.MaxSteps };
        if (lrDecay is null || lrDecay == saved.LrDecay) return options;
        long at = Checkpoint.ReadState(newest).Step;
        if (saved.LrDecay is { } begun && begun.LoweredAnyOf(at))
            throw new InputException("lrDecay", InputProblem.Conflict,
                $"cannot change on resume: the run's decay ({begun}) has already lowered the rates (from step {begun.From + 1}) " +
                $"and the run is at step {at}; keep `lrDecay` as the run has it, or start a new run");
        if (lrDecay.LoweredAnyOf(at))
            throw new InputException("lrDecay", InputProblem.Conflict,
                $"would start at step {lrDecay.From}, but the run is at step {at} already and trained those steps at the full rate; " +
                $"start it at step {at - 1} or later, e.g. {at - 1}-{at - 1 + Math.Max(1, lrDecay.To - lrDecay.From)}");
        return options with { LrDecay = lrDecay };
    }

    public TrainingResult Run(bool resume, IProgress<TrainingProgress>? progress = null, CancellationToken cancel = default)
    {
        var o = Options;
        var device = DeviceSelector.Parse(o.Device);
        string runDir = Path.GetFullPath(o.OutDir);
        using var runLock = RunLock.Acquire(runDir);
        RemoveStaleTemporaryFiles(runDir);
        var existing = CheckpointsToContinue(runDir, resume);
        using var cache = OpenData();
        if (resume) CheckSameData(runDir, cache.Info);
        Directory.CreateDirectory(new RunLayout(runDir).Samples);
        using var loader = new BatchLoader(cache, o.BatchSize, o.Seed);
        long totalSteps = Math.Min(o.MaxSteps ?? long.MaxValue, (long)o.Epochs * loader.StepsPerEpoch);
        RunConfig.Write(runDir, o, cache.Info, loader.StepsPerEpoch, totalSteps);
        if (DecayNote(o.LrDecay, totalSteps) is { } note) Message?.Invoke(note);

        using var scopeForRun = NewDisposeScope();
        using var gan = new GanPair(o, device);
        var (startStep, lastCheckpoint) = resume ? Resume(existing, gan) : StartFresh(gan);
        var fixedNoise = LatentSampler.ForSeeds(
            Enumerable.Range(0, o.FixedNoiseCount).Select(i => (long)i).ToList(), o.Model.Nz, o.Model.Prior).to(device);
        using var metrics = new MetricsLog(runDir, startStep);
        var health = new TrainingHealth(o, runDir);
        gan.Generator.train();
        gan.Discriminator.train();

        // The loop: one step (D, then G), its metrics row, the fixed-noise grid and a checkpoint when due, progress.
        var clock = Stopwatch.StartNew();
        double secondsPerStep = 0, lastLossG = double.NaN;
        long step = startStep;
        for (; step < totalSteps && !cancel.IsCancellationRequested; step++)
        {
            var (row, seconds) = TrainStep(gan, loader, step, device, clock, ref lastLossG, lastCheckpoint);
            secondsPerStep = secondsPerStep == 0 ? seconds : 0.9 * secondsPerStep + 0.1 * seconds;
            if (step % o.LogEvery == 0) metrics.Append(row);
            Warn(health.Observe(row));

            long done = step + 1;
            bool epochEnd = done % loader.StepsPerEpoch == 0, last = done == totalSteps;
            bool grid = done % o.SampleEvery == 0 || epochEnd || last, save = done % o.CheckpointEvery == 0 || epochEnd || last;
            if (grid || save) gan.MeasureEmaBatchNorm();
            if (grid) SaveFixedNoiseGrid(gan.GeneratorEma ?? gan.Generator, fixedNoise,
                new RunLayout(runDir).Sample(done), done, health);
            if (save) lastCheckpoint = SaveCheckpoint(runDir, done, loader.EpochOf(done), gan, metrics);
            progress?.Report(new TrainingProgress(done, totalSteps, loader.EpochOf(step) + 1, o.Epochs, row, clock.Elapsed,
                TimeSpan.FromSeconds(secondsPerStep * (totalSteps - done))));
        }

        // Stopped early (Ctrl+C, SIGTERM): keep what was trained since the last checkpoint.
        bool cancelled = step < totalSteps;
        if (cancelled && step > startStep && (lastCheckpoint is null || Checkpoint.ReadState(lastCheckpoint).Step != step))
        {
            gan.MeasureEmaBatchNorm();
            lastCheckpoint = SaveCheckpoint(runDir, step, loader.EpochOf(step), gan, metrics);
        }
        return new TrainingResult(step, totalSteps, lastCheckpoint, cancelled);
    }

    /// <summary>The run's checkpoints when resuming; none is allowed (or needed) when starting.</summary>
    private IReadOnlyList<string> CheckpointsToContinue(string runDir, bool resume)
    {
        var existing = Checkpoint.List(runDir);
        if (!resume && existing.Count > 0)
            throw new InputException("outDir", InputProblem.RunExists,
                $"'{Options.OutDir}' already has checkpoints: add `resume` to continue it, or choose another `outDir`");
        if (resume && existing.Count == 0) throw NoCheckpoint(Options.OutDir);
        return existing;
    }

    private static InputException NoCheckpoint(string runDir) => new("resume", InputProblem.NoCheckpoint,
        $": run directory '{runDir}' has no checkpoint to continue from (it stopped before its first one): " +
        "start it again without `resume`");

    /// <summary>Refuses (or with <see cref="AcceptChangedData"/> warns about) a data set whose content changed since the run started.</summary>
    private void CheckSameData(string runDir, PixelCacheInfo now)
    {
        if (RunConfig.ReadDataset(runDir) is not { Fingerprint: { } before } saved || before == now.Fingerprint) return;
        string change = $"the data set has changed since this run started ({saved.Images} images then, {now.Count} now" +
            (saved.Images == now.Count ? ", the same count with other content" : "") + ")";
        if (!AcceptChangedData)
            throw new InputException("resume", InputProblem.DataChanged, $": {change}; resume on the data it started on, or add " +
                "`acceptChangedData` to go on with the new set (its epochs and steps per epoch then follow the new count)");
        Message?.Invoke($"warning: {change}; going on with the new set (accepted)");
    }

    /// <summary>The data set, decoded once into the pixel cache, with what was skipped said.</summary>
    private PixelCache OpenData()
    {
        var o = Options;
        var source = DataSource.Resolve(o.Data);
        Message?.Invoke($"Reading {source.Description} (decoded once into {o.ResolvedCacheDir})");
        var cache = PixelCache.Open(source, o.Model.ImageSize, o.Model.Nc, o.ResolvedCacheDir);
        if (cache.Info.Skipped.Count > 0)
            Message?.Invoke($"Skipped {cache.Info.Skipped.Count} unreadable file(s): {string.Join("; ", cache.Info.Skipped.Take(10))}" +
                $"{(cache.Info.Skipped.Count > 10 ? "; ..." : "")}");
        if (cache.Count == 0)
        {
            cache.Dispose();
            throw new InvalidDataException($"{source.Description} holds no readable images ({cache.Info.Skipped.Count} file(s) skipped); " +
                "nothing to train on");
        }
        Message?.Invoke($"{cache.Count} images of {o.Model.Nc}x{o.Model.ImageSize}x{o.Model.ImageSize}");
        return cache;
    }

    /// <summary>A new run: weights_init (done by GanPair), or PyTorch state_dicts where --init-g / --init-d name them.</summary>
    private (long Step, string? Checkpoint) StartFresh(GanPair gan)
    {
        if (Options.InitG is { } initG)
        {
            var state = Interop.PyTorchStateDict.Read(initG);
            int resized = Interop.PyTorchStateDict.InferGeneratorOptions(state, initG).GeneratorResizeConvolutions;
            Interop.PyTorchStateDict.LoadInto(gan.Generator, state, initG, resized == Options.Model.GeneratorResizeConvolutions ? null
                : $"the file's last {resized} side-doubling layers are resize + convolution; train with --g-resize-conv {resized}");
            Message?.Invoke($"G starts from {initG}");
        }
        if (Options.InitD is { } initD)
        {
            Interop.PyTorchStateDict.LoadInto(gan.Discriminator, Interop.PyTorchStateDict.Read(initD), initD);
            Message?.Invoke($"D starts from {initD}");
        }
        gan.ResetEma();
        return (0, null);
    }

    /// <summary>A resumed run: the newest good checkpoint's weights, optimiser states and random state.</summary>
    private (long Step, string? Checkpoint) Resume(IReadOnlyList<string> checkpoints, GanPair gan)
    {
        var state = LoadNewestGoodCheckpoint(checkpoints, gan, out string chosen);
        set_rng_state(tensor(Convert.FromBase64String(state.GlobalRngState)));
        gan.Augment.Restore(state.Augment);
        Message?.Invoke($"Resuming from {Path.GetFileName(chosen)} at step {state.Step}");
        return (state.Step, chosen);
    }

    /// <summary>
    /// One training step on batch <paramref name="step"/>, its random draws seeded by (seed, step); returns its metrics row.
    /// </summary>
    private (MetricsRow Row, double Seconds) TrainStep(GanPair gan, BatchLoader loader, long step, Device device, Stopwatch clock,
        ref double lastLossG, string? lastCheckpoint)
    {
        var o = Options;
        var stepClock = Stopwatch.StartNew();
        // No collection during the step: TorchSharp's per-call Scalars (its Adam's too) are then never finalized mid-call.
        // The budget also covers the next batch, gathered meanwhile by the loader (one array of the batch's bytes).
        long batchBytes = (long)o.BatchSize * o.Model.Nc * o.Model.ImageSize * o.Model.ImageSize;
        using var noCollection = NoCollectionRegion.Enter(NoCollectionRegion.DefaultBudgetBytes + 2 * batchBytes);
        using var scope = NewDisposeScope();
        var pixels = loader.Take(step, out int count);
        var real = PixelConverter.FromByteTensor(tensor(pixels, [count, o.Model.Nc, o.Model.ImageSize, o.Model.ImageSize]), device);
        using var random = new TorchGenerator(SeedMixer.Mix(o.Seed, RandomStream.TrainingStep, (ulong)step));
        double augmentP = Options.Augment == AugmentPolicy.None ? 0 : gan.Augment.P; // the dose this step trains with
        var (lossD, lossG, dx, dgz1, dgz2) = gan.Step(real, random, step);
        if (!double.IsNaN(lossG)) lastLossG = lossG; // WGAN-GP's critic-only steps have no G loss: the last one stands
        if (double.IsNaN(lossD) || double.IsInfinity(lossD))
            throw new InvalidOperationException($"the losses diverged (loss_d = {lossD}) at step {step}; " +
                $"the last good checkpoint is {lastCheckpoint ?? "none"}");
        double seconds = stepClock.Elapsed.TotalSeconds;
        return (new MetricsRow(step, loader.EpochOf(step), lossD, lastLossG, dx, dgz1, dgz2, count / seconds,
            clock.Elapsed.TotalSeconds, augmentP), seconds);
    }

    /// <summary>
    /// Loads the newest checkpoint that reads back whole (checksums, shapes, finite weights); a damaged one is named and
    /// passed over for the one before it, as a database falls back to its last good state.
    /// </summary>
    private CheckpointState LoadNewestGoodCheckpoint(IReadOnlyList<string> checkpoints, GanPair gan, out string chosen)
    {
        for (int i = checkpoints.Count - 1; ; i--)
        {
            try
            {
                Checkpoint.Verify(checkpoints[i]); // every entry, config.json too, though only the weights and state are loaded
                Checkpoint.LoadAll(checkpoints[i], gan.Generator, gan.Discriminator, gan.OptimizerG, gan.OptimizerD, gan.GeneratorEma);
                chosen = checkpoints[i];
                return Checkpoint.ReadState(chosen);
            }
            catch (Exception e) when (i > 0 &&
                e is InvalidDataException or System.Text.Json.JsonException or System.Runtime.InteropServices.ExternalException)
            {
                Message?.Invoke($"{Path.GetFileName(checkpoints[i])} is damaged and is passed over ({e.Message}); " +
                    $"trying {Path.GetFileName(checkpoints[i - 1])}");
            }
        }
    }

    /// <summary>Temporary files of checkpoint writes that a kill interrupted: nobody else writes this run (we hold its lock).</summary>
    private void RemoveStaleTemporaryFiles(string runDir)
    {
        foreach (var folder in new[] { runDir, new RunLayout(runDir).Checkpoints, new RunLayout(runDir).Samples })
        {
            if (!Directory.Exists(folder)) continue;
            foreach (var stale in Directory.GetFiles(folder, "*.tmp"))
            {
                File.Delete(stale);
                Message?.Invoke($"Removed {Path.GetFileName(stale)}, left by an interrupted write");
            }
        }
    }

    /// <summary>
    /// The fixed noise batch (the latents of seeds 0..63) rendered in eval mode, as `dcgan sample` renders it (with the
    /// EMA of G where kept), saved as the step's grid and looked at for a collapse.
    /// </summary>
    private void SaveFixedNoiseGrid(Models.Generator generator, Tensor fixedNoise, string path, long step, TrainingHealth health)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        bool wasTraining = generator.training;
        generator.eval();
        var images = generator.forward(fixedNoise);
        if (wasTraining) generator.train();
        Png.Save(ImageGrid.Make(PixelConverter.ToImages(images)), path);
        Warn(health.ObserveGrid(step, images));
    }

    /// <summary>A decay that does not end with the run: steps past its end learn nothing, or the rates never reach 0.</summary>
    internal static string? DecayNote(LearningRateDecay? decay, long totalSteps) => decay switch
    {
        { } d when d.To < totalSteps => $"note: `lrDecay` ({d}) brings the learning rates to 0 at step {d.To}, so the run's last " +
            $"{totalSteps - d.To} steps learn nothing; end the decay at step {totalSteps} to use them",
        { } d when d.To > totalSteps => $"note: the run ends at step {totalSteps}, before `lrDecay` ({d}) brings the learning " +
            $"rates to 0 at step {d.To}",
        _ => null,
    };

    private void Warn(HealthWarning? warning)
    {
        // Its advice names settings in backquotes; the command's Message handler words them as its flags.
        if (warning is not null) Message?.Invoke($"warning at step {warning.Step}: {warning.Message}");
    }

    // Checkpoints found whole (by every entry's checksum), with the size and time they had then, so each is read once.
    private readonly Dictionary<string, (long Length, DateTime Written)> wholeCheckpoints = new();
    private readonly HashSet<string> damagedCheckpointsNamed = new();

    /// <summary>
    /// Keeps the newest <see cref="TrainingOptions.KeepCheckpoints"/> whole checkpoints and deletes what is older than
    /// them. A damaged one among the newest (a disk that filled, a file cut short) does not count: it must not push out
    /// the good ones a resume falls back to. It is left as it is and named once. Files are read only when there are more
    /// than the number kept, and each once per run.
    /// </summary>
    private void PruneCheckpoints(string runDir, string justSaved)
    {
        Remember(justSaved);
        var checkpoints = Checkpoint.List(runDir);
        if (checkpoints.Count <= Options.KeepCheckpoints) return;
        int i = checkpoints.Count - 1;
        for (int whole = 0; i >= 0 && whole < Options.KeepCheckpoints; i--)
            if (IsWhole(checkpoints[i])) whole++;
        for (; i >= 0; i--) // older than the last one kept: superseded, whole or not
        {
            File.Delete(checkpoints[i]);
            wholeCheckpoints.Remove(checkpoints[i]);
        }
    }

    private void Remember(string checkpoint)
    {
        var info = new FileInfo(checkpoint);
        wholeCheckpoints[checkpoint] = (info.Length, info.LastWriteTimeUtc);
    }

    private bool IsWhole(string checkpoint)
    {
        var info = new FileInfo(checkpoint);
        if (wholeCheckpoints.TryGetValue(checkpoint, out var seen) && seen == (info.Length, info.LastWriteTimeUtc)) return true;
        try
        {
            Checkpoint.CheckWhole(checkpoint);
            Remember(checkpoint);
            return true;
        }
        catch (Exception e) when (Checkpoint.IsDamage(e))
        {
            if (damagedCheckpointsNamed.Add(checkpoint))
                Message?.Invoke($"{Path.GetFileName(checkpoint)} is damaged ({e.Message}): left as it is, and not counted " +
                    $"among the {Options.KeepCheckpoints} checkpoints kept");
            return false;
        }
    }

    private string SaveCheckpoint(string runDir, long step, long epoch, GanPair gan, MetricsLog metrics)
    {
        string path = Checkpoint.PathFor(runDir, step);
        using (var rng = get_rng_state())
        {
            var state = new CheckpointState(step, epoch, Convert.ToBase64String(rng.data<byte>().ToArray()), DateTimeOffset.UtcNow)
            {
                Augment = Options.AugmentAdaptive ? gan.Augment.State : null,
            };
            Checkpoint.Save(path, Options, state, gan.Generator, gan.Discriminator, gan.OptimizerG, gan.OptimizerD, gan.GeneratorEma);
        }
        PruneCheckpoints(runDir, path);
        LossPlot.Save(metrics.Rows, new RunLayout(runDir).LossPlot);
        Message?.Invoke($"Checkpoint {Path.GetRelativePath(runDir, path)}");
        return path;
    }
}
