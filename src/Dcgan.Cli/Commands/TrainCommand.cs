using System.CommandLine;
using Dcgan.Data;
using Dcgan.Models;
using Dcgan.Training;
using Spectre.Console;
using static Dcgan.Cli.Commands.OptionFactory;

namespace Dcgan.Cli.Commands;

internal static class TrainCommand
{
    public static Command Create()
    {
        var defaults = new TrainingOptions();
        var model = new ModelOptions();
        var data = Make("--data",
            "Training images: 'emoji' (built in), a folder, a .zip (e.g. img_align_celeba.zip) or an IDX file.", defaults.Data);
        var output = Make("--out", "Run directory: config.json, metrics.csv, samples/, losses.png, checkpoints/.", defaults.OutDir);
        var resume = Make("--resume", "Continue the run in --out from its newest checkpoint (its config.json settings are kept).", false);
        var epochs = Optional<int?>("--epochs", $"Epochs to train (default {defaults.Epochs}).");
        var maxSteps = Optional<long?>("--max-steps", "Stop after this many steps in all (one step = one batch).");
        var batchSize = Make("--batch-size", "Images per batch.", defaults.BatchSize);
        var lr = Optional<double?>("--lr", "Learning rate of both nets (default 2e-4); --lr-g / --lr-d set them apart (TTUR).");
        var lrG = Optional<double?>("--lr-g", "Generator learning rate.");
        var lrD = Optional<double?>("--lr-d", "Discriminator learning rate.");
        var lrDecay = Optional<string>("--lr-decay",
            "FROM-TO: both learning rates fall linearly from their value at step FROM to 0 at step TO (e.g. 9000-12000, as " +
            "pix2pix ends its runs); without it the rates stay constant, as in the tutorial. With --resume it may be added " +
            "or moved while it has not begun.");
        static LearningRateDecay? DecayFrom(string? text) => text is null ? null : LearningRateDecay.Parse(text);
        var beta1 = Make("--beta1", "Adam beta1.", defaults.Beta1);
        var beta2 = Make("--beta2", "Adam beta2.", defaults.Beta2);
        var seed = Make("--seed", "Random seed: the same seed and data give the same run.", defaults.Seed);
        var nz = Make("--nz", "Latent size.", model.Nz);
        var ngf = Make("--ngf", "Generator feature maps.", model.Ngf);
        var ndf = Make("--ndf", "Discriminator feature maps.", model.Ndf);
        var nc = Optional<int?>("--nc", "Image channels, 1 or 3 (default 1 for IDX data, else 3).");
        var imageSize = Make("--image-size", "Image size: 32, 64 or 128.", model.ImageSize);
        var activation = Make("--g-activation", "Generator activation: relu (tutorial) or leaky-relu.", "relu");
        var resizeConv = Make("--g-resize-conv",
            "How many of G's last side-doubling layers are a nearest-neighbour 2x resize and a 3x3 convolution instead of a " +
            "stride-2 transposed convolution (Odena et al. 2016's remedy for checkerboard texture); 0 is the tutorial.", 0);
        var loss = Make("--loss", "bce (tutorial: Sigmoid + BCELoss), bce-logits, lsgan, hinge or wgan-gp.", "bce");
        var prior = Make("--prior", "Latent prior: normal (tutorial) or uniform.", "normal");
        var sampleEvery = Make("--sample-every",
            "Render the fixed-noise grid every this many steps (and at each epoch end).", defaults.SampleEvery);
        var checkpointEvery = Make("--checkpoint-every",
            "Write a checkpoint every this many steps (and at each epoch end).", defaults.CheckpointEvery);
        var keep = Make("--keep-checkpoints",
            "How many of the newest whole checkpoints to keep (a damaged one does not count and is left in place).", defaults.KeepCheckpoints);
        var logEvery = Make("--log-every", "Write a metrics.csv row every this many steps.", defaults.LogEvery);
        var criticSteps = Make("--critic-steps", "WGAN-GP: critic updates per generator update.", defaults.CriticSteps);
        var penalty = Make("--gradient-penalty", "WGAN-GP: gradient penalty weight.", defaults.GradientPenalty);
        var device = Make("--device", "cpu or cuda.", defaults.Device);
        var precision = Make("--precision",
            "Convolutions' arithmetic: fp32 (the tutorial's), bf16 (mixed precision: weights, Adam and BatchNorm statistics stay " +
            "fp32), or auto: bf16 where the processor computes it natively (AVX512_BF16 or AMX), else fp32.", "auto");
        var cacheDir = Optional<string>("--cache-dir", "Where decoded pixels are cached (default: .cache beside the run directory).");
        var initG = Optional<string>("--init-g", "Start G from a PyTorch state_dict (netG.pth), as pytorch/examples' --netG.");
        var ema = Optional<double?>("--ema",
            "Keep an exponential moving average of G's weights with this decay (e.g. 0.999); samples and grids use it.");
        var augment = Make("--augment",
            "Differentiable augmentation of all D sees (DiffAugment): any of color, translation, cutout, comma-separated; " +
            "none is the tutorial.",
            "none");
        var augmentTranslation = Make("--augment-translation",
            "Largest shift of --augment translation, as a fraction of the image size (the paper's 0.125; runs and bundled " +
            "models made before 2026-11-27 used 0.0625).", defaults.AugmentTranslation);
        var augmentP = Make("--augment-p",
            "How often each augmentation reaches each image: a probability (1: always, the paper's policy), or auto to steer it " +
            "by how sure D is of the real images (ADA's overfitting signal, target 0.6; starts at 0).",
            "1");
        var spectralNorm = Make("--spectral-norm",
            "Spectral normalisation of D's convolutions (Miyato et al. 2018); exported with PyTorch's spectral_norm keys.", false);
        var r1 = Make("--r1", "R1 penalty weight gamma on real images (Mescheder et al. 2018), e.g. 10; 0 is none.", 0.0);
        var initD = Optional<string>("--init-d", "Start D from a PyTorch state_dict (netD.pth), as pytorch/examples' --netD.");
        var acceptChangedData = new Option<bool>("--accept-changed-data")
        {
            Description = "With --resume: go on although the data set's content changed since the run started (otherwise refused).",
        };

        // One table: every flag of the command, and for those saved in the run what they set, so a resumed run can tell a
        // repeated flag from a changed one. Flags with no saved value (where the run goes, resume itself) have none.
        var table = new (Option Flag, Func<TrainingOptions, object?>? Saved)[]
        {
            (data, o => o.Data), (output, null), (resume, null), (epochs, null), (maxSteps, null), (batchSize, o => o.BatchSize),
            (lr, o => (o.LrG, o.LrD)), (lrG, o => o.LrG), (lrD, o => o.LrD), (lrDecay, null), (beta1, o => o.Beta1), (beta2, o => o.Beta2),
            (seed, o => o.Seed), (nz, o => o.Model.Nz), (ngf, o => o.Model.Ngf), (ndf, o => o.Model.Ndf), (nc, o => o.Model.Nc),
            (imageSize, o => o.Model.ImageSize), (activation, o => o.Model.GeneratorActivation), (loss, o => o.Model.Loss),
            (resizeConv, o => o.Model.GeneratorResizeConvolutions),
            (prior, o => o.Model.Prior), (sampleEvery, o => o.SampleEvery), (checkpointEvery, o => o.CheckpointEvery),
            (keep, o => o.KeepCheckpoints), (logEvery, o => o.LogEvery), (criticSteps, o => o.CriticSteps),
            (penalty, o => o.GradientPenalty), (device, o => o.Device), (precision, o => o.Precision), (cacheDir, o => o.CacheDir),
            (initG, o => o.InitG), (initD, o => o.InitD), (ema, o => o.EmaDecay), (augment, o => o.Augment),
            (augmentTranslation, o => o.AugmentTranslation),
            (augmentP, o => o.AugmentAdaptive ? "auto" : o.AugmentP.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (spectralNorm, o => o.Model.SpectralNorm), (r1, o => o.R1), (acceptChangedData, null),
        };
        var command = new Command("train", "Train a DCGAN as the PyTorch tutorial does (Adam 2e-4, beta1 0.5, BCE; D then G).")
            .With(table.Select(t => t.Flag).ToArray());
        var fields = table.Where(t => t.Saved is not null).Select(t => (t.Flag, Value: t.Saved!)).ToList();
        command.SetAction(r => CommandRunner.Guard("train", () =>
        {
            TrainingOptions FromFlags()
            {
                // --lr sets both nets' rates: its range is named as --lr, not as the --lr-g the library checks first.
                if (r.GetValue(lr) is { } both && !(both > 0 && both < 1))
                    throw CommandRunner.Usage($"--lr must be in (0, 1) (got {both.ToString(System.Globalization.CultureInfo.InvariantCulture)})");
                string dataSpec = r.GetValue(data)!;
                // config.json must not depend on the working directory
                if (Directory.Exists(dataSpec) || File.Exists(dataSpec)) dataSpec = Path.GetFullPath(dataSpec);
                var source = DataSource.Resolve(dataSpec);
                return new TrainingOptions
                {
                    Data = dataSpec, OutDir = r.GetValue(output)!, Epochs = r.GetValue(epochs) ?? defaults.Epochs,
                    MaxSteps = r.GetValue(maxSteps), BatchSize = r.GetValue(batchSize),
                    LrG = r.GetValue(lrG) ?? r.GetValue(lr) ?? defaults.LrG, LrD = r.GetValue(lrD) ?? r.GetValue(lr) ?? defaults.LrD,
                    LrDecay = DecayFrom(r.GetValue(lrDecay)),
                    Beta1 = r.GetValue(beta1), Beta2 = r.GetValue(beta2), Seed = r.GetValue(seed),
                    SampleEvery = r.GetValue(sampleEvery), CheckpointEvery = r.GetValue(checkpointEvery),
                    KeepCheckpoints = r.GetValue(keep),
                    LogEvery = r.GetValue(logEvery), CriticSteps = r.GetValue(criticSteps), GradientPenalty = r.GetValue(penalty),
                    Device = r.GetValue(device)!, Precision = PrecisionChoice.Parse(r.GetValue(precision)!, "--precision"),
                    CacheDir = r.GetValue(cacheDir),
                    EmaDecay = r.GetValue(ema), Augment = DiffAugment.Parse(r.GetValue(augment)!), R1 = r.GetValue(r1),
                    AugmentTranslation = r.GetValue(augmentTranslation),
                    AugmentP = Input.UserInput.AugmentProbability(r.GetValue(augmentP)!, "augmentP").P,
                    AugmentAdaptive = Input.UserInput.AugmentProbability(r.GetValue(augmentP)!, "augmentP").Adaptive,
                    InitG = r.GetValue(initG) is { } g ? Path.GetFullPath(g) : null,
                    InitD = r.GetValue(initD) is { } d ? Path.GetFullPath(d) : null,
                    Model = new ModelOptions
                    {
                        Nz = r.GetValue(nz), Ngf = r.GetValue(ngf), Ndf = r.GetValue(ndf), ImageSize = r.GetValue(imageSize),
                        Nc = r.GetValue(nc) ?? (source is IdxImageSource ? 1 : 3),
                        GeneratorActivation = DcganJson.ParseEnum<GeneratorActivation>(r.GetValue(activation)!, "--g-activation"),
                        Loss = DcganJson.ParseEnum<LossKind>(r.GetValue(loss)!, "--loss"),
                        Prior = DcganJson.ParseEnum<LatentPrior>(r.GetValue(prior)!, "--prior"),
                        SpectralNorm = r.GetValue(spectralNorm),
                        GeneratorResizeConvolutions = r.GetValue(resizeConv),
                    },
                };
            }

            TrainingOptions options;
            if (r.GetValue(resume))
            {
                // A resumed run keeps its saved settings. People re-run their command with --resume added, so a flag that
                // repeats the saved value is fine; one that changes it is refused by name (silently ignoring it would mislead).
                options = Trainer.OptionsForResume(r.GetValue(output)!, r.GetValue(epochs), r.GetValue(maxSteps),
                    DecayFrom(r.GetValue(lrDecay)));
                var given = fields.Where(f => r.GetResult(f.Flag) is { Implicit: false }).ToList();
                if (given.Count > 0)
                {
                    var requested = FromFlags();
                    var changed = given.Where(f => !Equals(f.Value(requested), f.Value(options)))
                        .Select(f => $"{f.Flag.Name} is {Show(f.Value(options))} in the run, {Show(f.Value(requested))} here").ToList();
                    if (changed.Count > 0)
                        throw CommandRunner.Usage("--resume keeps the run's saved settings, and only --epochs, --max-steps and --lr-decay " +
                            $"may change: {string.Join("; ", changed)}. Drop the flag, or start a new run with another --out");
                }
            }
            else options = FromFlags();
            if (r.GetValue(acceptChangedData) && !r.GetValue(resume))
                throw CommandRunner.Usage("--accept-changed-data goes with --resume (a new run has no earlier data set to compare)");
            var trainer = new Trainer(options) { AcceptChangedData = r.GetValue(acceptChangedData) };
            bool chosenByAuto = !r.GetValue(resume) && r.GetValue(precision)!.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase);
            Console.WriteLine(SettingText.Render(PrecisionChoice.Describe(options.Precision, chosenByAuto), CommandRunner.FlagFor) +
                (r.GetValue(resume) ? ", as the run was started" : ""));
            return Train(trainer, r.GetValue(resume));
        }));
        return command;
    }

    private static string Show(object? value) => value switch
    {
        null => "not set",
        Enum e => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(e.ToString()),
        System.Runtime.CompilerServices.ITuple t => string.Join(" / ", Enumerable.Range(0, t.Length).Select(i => Show(t[i]))),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static void WriteMessage(string line, bool plain)
    {
        if (plain) Console.WriteLine(line);
        else AnsiConsole.MarkupLineInterpolated($"[grey]{line}[/]");
    }

    private static int Train(Trainer trainer, bool resume)
    {
        using var cancel = new CancellationTokenSource();
        int stoppedBy = 0; // the signal that stopped the run: its exit code is 128 + the signal, as a shell reports it
        // Asks the loop to stop after the step with a checkpoint; false when already asked (a second Ctrl+C ends the process at once).
        bool RequestStop(string message, int signal)
        {
            if (cancel.IsCancellationRequested) return false;
            stoppedBy = signal;
            cancel.Cancel();
            Console.Error.WriteLine(message);
            return true;
        }
        ConsoleCancelEventHandler onCancel = (_, e) =>
            e.Cancel = RequestStop("Stopping after this step; writing a checkpoint (Ctrl+C again to abort)...", SigInt);
        Console.CancelKeyPress += onCancel;
        // `kill` (SIGTERM, also what service managers and `timeout` send) stops as Ctrl+C does. Background jobs of a
        // script ignore SIGINT, so this is how they are stopped cleanly. A second SIGTERM does not abort the checkpoint:
        // GNU timeout sends one to the process and one to its group, and a service manager may repeat it; SIGKILL aborts.
        using var onTerminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM,
            context =>
            {
                context.Cancel = true;
                if (!RequestStop("Terminated: stopping after this step and writing a checkpoint...", SigTerm))
                    Console.Error.WriteLine("Terminated again: still writing the checkpoint (SIGKILL would lose the steps since the last one)");
            });
        // Grey on a terminal; plain and unwrapped in a log (Spectre wraps at 80 columns when it cannot see a width).
        bool plain = Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive;
        trainer.Message += line => WriteMessage(SettingText.Render(line, CommandRunner.FlagFor), plain);
        try
        {
            TrainingResult result;
            if (plain)
            {
                // Plain lines for logs and CI: one every 10 steps and the last.
                result = trainer.Run(resume, new SynchronousProgress(p =>
                {
                    if (p.Step % 10 == 0 || p.Step == p.TotalSteps) Console.WriteLine(Describe(p));
                }), cancel.Token);
            }
            else
            {
                result = null!;
                AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                        new RemainingTimeColumn())
                    .Start(context =>
                    {
                        var task = context.AddTask("starting", maxValue: 1);
                        result = trainer.Run(resume, new SynchronousProgress(p =>
                        {
                            task.MaxValue = p.TotalSteps;
                            task.Value = p.Step;
                            task.Description = Markup.Escape(Describe(p));
                        }), cancel.Token);
                    });
            }
            string runDir = trainer.Options.OutDir;
            Console.WriteLine(!result.Cancelled
                ? $"Done: {result.StepsDone} steps. Samples in {new RunLayout(runDir).Samples}, curves in {new RunLayout(runDir).LossPlot}, " +
                    $"checkpoint {result.LastCheckpoint}"
                : result.LastCheckpoint is null
                    ? $"Stopped before the first step; nothing was saved: run the same command again (without --resume)"
                    : $"Stopped at step {result.StepsDone} of {result.TotalSteps}; continue with: ./dcgan train --out {runDir} --resume");
            return result.Cancelled ? 128 + stoppedBy : 0;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private const int SigInt = 2, SigTerm = 15;

    private static string Describe(TrainingProgress p)
    {
        var m = p.Metrics;
        return $"epoch {p.Epoch}/{p.Epochs} step {p.Step}/{p.TotalSteps}  Loss_D {m.LossD:F4}  Loss_G {m.LossG:F4}  " +
               $"D(x) {m.DX:F4}  D(G(z)) {m.DGZ1:F4} / {m.DGZ2:F4}  {(m.AugmentP > 0 ? $"augment p {m.AugmentP:F3}  " : "")}" +
               $"{m.ImagesPerSecond:F1} img/s  left {p.Remaining:hh\\:mm\\:ss}";
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; this one reports on the training thread, in order.</summary>
    private sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
