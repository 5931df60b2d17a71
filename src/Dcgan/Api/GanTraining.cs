using Dcgan.Data;
using Dcgan.Models;
using Dcgan.Training;

namespace Dcgan;

/// <summary>
/// What a training run is: the PyTorch DCGAN tutorial's recipe by default (batch 128, Adam 2e-4 with beta1 0.5, BCE,
/// 5 epochs, seed 999), plus the options that make small data sets work (a moving average of G, augmentation).
/// </summary>
public sealed record TrainingSettings
{
    /// <summary>
    /// The images: a folder (searched recursively), a .zip (as CelebA's img_align_celeba.zip), an MNIST-style IDX file,
    /// or "emoji" for the built-in set of 2,065 emoji faces and people.
    /// </summary>
    public string Data { get; init; } = DataSource.Emoji;

    /// <summary>The run's folder: config.json, metrics.csv, losses.png, samples/ (the fixed-noise grids) and checkpoints/.</summary>
    public string OutputDirectory { get; init; } = "runs/emoji";

    /// <summary>Passes over the data.</summary>
    public int Epochs { get; init; } = 5;

    /// <summary>Stop after this many steps (optimiser updates of G) in all, whatever <see cref="Epochs"/> says; null for no limit.</summary>
    public long? MaxSteps { get; init; }

    /// <summary>Images per step (the tutorial's 128; 64 trains small sets better).</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Images are resized and centre-cropped to this size: 32, 64 (the tutorial's) or 128.</summary>
    public int ImageSize { get; init; } = 64;

    /// <summary>The run's seed: weights, shuffling and noise all follow from it.</summary>
    public long Seed { get; init; } = 999;

    /// <summary>"cpu", or "cuda" where a CUDA build of libtorch is present.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Keep a moving average of G's weights with this decay (e.g. 0.999) and draw with it; null for none (the tutorial).</summary>
    public double? MovingAverage { get; init; }

    /// <summary>
    /// Differentiable augmentation of everything D sees: any of "color", "translation", "cutout", comma-separated (e.g.
    /// "translation,cutout", how the bundled emoji model was trained); null for none (the tutorial).
    /// </summary>
    public string? Augment { get; init; }

    /// <summary>Save the fixed-noise grid every this many steps.</summary>
    public int SampleEvery { get; init; } = 500;

    /// <summary>Save a checkpoint every this many steps (and at each epoch's end).</summary>
    public int CheckpointEvery { get; init; } = 500;

    internal TrainingOptions ToOptions()
    {
        var source = DataSource.Resolve(Data);
        string data = Directory.Exists(Data) || File.Exists(Data) ? Path.GetFullPath(Data) : Data;
        return new TrainingOptions
        {
            Data = data, OutDir = OutputDirectory, Epochs = Epochs, MaxSteps = MaxSteps, BatchSize = BatchSize, Seed = Seed,
            Device = Device, EmaDecay = MovingAverage, Augment = Augment is null ? AugmentPolicy.None : DiffAugment.Parse(Augment),
            SampleEvery = SampleEvery, CheckpointEvery = CheckpointEvery,
            Model = new ModelOptions { ImageSize = ImageSize, Nc = source is IdxImageSource ? 1 : 3 },
        };
    }
}

/// <summary>One training step's report: where the run is and the tutorial's printed figures.</summary>
/// <param name="Step">Steps done so far.</param>
/// <param name="TotalSteps">Steps the run will take.</param>
/// <param name="Epoch">The current epoch, from 1.</param>
/// <param name="LossD">D's loss on this step's real and fake batch.</param>
/// <param name="LossG">G's loss (the non-saturating one).</param>
/// <param name="DOfReal">D(x), D's mean output on the real batch.</param>
/// <param name="DOfFakeInDStep">D(G(z)) before D's update (the tutorial's D_G_z1).</param>
/// <param name="DOfFakeInGStep">D(G(z)) after D's update, in G's step (the tutorial's D_G_z2).</param>
/// <param name="Elapsed">Time this call has trained.</param>
/// <param name="Remaining">Estimated time to the end.</param>
public sealed record TrainingUpdate(long Step, long TotalSteps, long Epoch, double LossD, double LossG, double DOfReal, double DOfFakeInDStep,
    double DOfFakeInGStep, TimeSpan Elapsed, TimeSpan Remaining);

/// <summary>How a run ended.</summary>
/// <param name="Steps">Steps done in all (including those before a resume).</param>
/// <param name="Checkpoint">The last checkpoint written: load it with <see cref="GanGenerator.Load"/>.</param>
/// <param name="Cancelled">True when the cancellation token stopped it (a checkpoint was saved first).</param>
public sealed record TrainingOutcome(long Steps, string? Checkpoint, bool Cancelled);

/// <summary>Trains G and D as the PyTorch DCGAN tutorial does: D first on real and fake, then G.</summary>
public static class GanTraining
{
    /// <summary>
    /// Trains a new run into <see cref="TrainingSettings.OutputDirectory"/>, or goes on with the run already there when
    /// <paramref name="resume"/> is true (from its newest checkpoint, bit for bit as if it had not stopped; the saved
    /// settings are kept, except <see cref="TrainingSettings.Epochs"/> and <see cref="TrainingSettings.MaxSteps"/>, which
    /// set where it ends: the first of the two reached, counted from the run's start).
    /// </summary>
    /// <param name="settings">What to train.</param>
    /// <param name="resume">Go on with the run in the output folder.</param>
    /// <param name="onStep">
    /// Called after every step, on the training thread, in order (a plain callback, not IProgress: Progress&lt;T&gt; posts
    /// to the thread pool, so its lines could come out of order or after the run has returned).
    /// </param>
    /// <param name="cancel">Stops after the current step and saves a checkpoint.</param>
    /// <exception cref="InputException">
    /// A setting is out of range, the data is missing (<see cref="InputProblem.NotFound"/>), the folder already holds a run
    /// (<see cref="InputProblem.RunExists"/>), another process trains into it (<see cref="InputProblem.RunLocked"/>), or a
    /// resumed run has no checkpoint or its data changed.
    /// </exception>
    /// <exception cref="InvalidDataException">The data holds no readable image, or a checkpoint is damaged.</exception>
    /// <exception cref="IOException">The disk is full or not writable (the last checkpoint stays whole).</exception>
    public static TrainingOutcome Train(TrainingSettings settings, bool resume = false, Action<TrainingUpdate>? onStep = null,
        CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        try
        {
            var options = resume ? Trainer.OptionsForResume(settings.OutputDirectory, settings.Epochs, settings.MaxSteps) : settings.ToOptions();
            var relay = onStep is null ? null : new Relay(onStep);
            var result = new Trainer(options).Run(resume, relay, cancel);
            return new TrainingOutcome(result.StepsDone, result.LastCheckpoint, result.Cancelled);
        }
        catch (InputException e)
        {
            throw e.Renamed(SettingsName); // in the words of TrainingSettings and this method
        }
    }

    /// <summary>The trainer's setting names as <see cref="TrainingSettings"/> and <see cref="Train"/> call them.</summary>
    private static string SettingsName(string setting) => setting switch
    {
        "emaDecay" => "movingAverage",
        "outDir" => "outputDirectory",
        _ => setting,
    };

    /// <summary>
    /// The steps a run has saved: the step of its newest checkpoint, where <see cref="Train"/> with resume continues; 0 for
    /// a folder without a checkpoint (or without the folder).
    /// </summary>
    public static long StepsSaved(string outputDirectory)
    {
        if (!Directory.Exists(outputDirectory) || Checkpoint.List(outputDirectory).Count == 0) return 0;
        return Checkpoint.ReadState(Checkpoint.Resolve(outputDirectory)).Step; // the newest that reads back whole
    }

    /// <summary>The trainer's report, told to the caller's callback at once, on the training thread.</summary>
    private sealed class Relay(Action<TrainingUpdate> onStep) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress p) => onStep(new TrainingUpdate(p.Step, p.TotalSteps, p.Epoch, p.Metrics.LossD,
            p.Metrics.LossG, p.Metrics.DX, p.Metrics.DGZ1, p.Metrics.DGZ2, p.Elapsed, p.Remaining));
    }
}
