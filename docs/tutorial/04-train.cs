#:project ../../src/Dcgan/Dcgan.csproj
#:property RestorePackagesWithLockFile=false

// Step 4, the tutorial's "Training" as one loop: its 5 epochs, the fixed-noise grid saved as it goes (runs/tutorial/samples),
// the loss curves (runs/tutorial/losses.png) and checkpoints (runs/tutorial/checkpoints). Batch 64 instead of the
// tutorial's 128: the emoji set is small (2,065 images) and trains better with more, smaller steps.
//   dotnet run 04-train.cs [-- MAX_STEPS]          (about 3 minutes on two CPU cores; Ctrl+C stops with a checkpoint)
using Dcgan;

long? maxSteps = args.Length > 0 ? long.Parse(args[0]) : null;
var settings = new TrainingSettings
{
    Data = "emoji", OutputDirectory = "runs/tutorial", Epochs = 5, BatchSize = 64, MaxSteps = maxSteps,
    SampleEvery = 20, CheckpointEvery = 20,
};
if (Directory.Exists(Path.Combine(settings.OutputDirectory, "checkpoints")))
{
    Console.WriteLine($"{settings.OutputDirectory} has a run already: 05-resume.cs continues it (or delete the folder to start again)");
    return;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); }; // Ctrl+C: finish the step, save, stop

var outcome = GanTraining.Train(settings, onStep: PrintLine, cancel: stop.Token);
Console.WriteLine($"{(outcome.Cancelled ? "Stopped" : "Done")} at step {outcome.Steps}; checkpoint {outcome.Checkpoint}");
Console.WriteLine($"The fixed-noise grids are in {settings.OutputDirectory}/samples, the curves in {settings.OutputDirectory}/losses.png");

// The tutorial's printed line, every 10 steps and at the end. Its [epoch][batch] counts from 0 within each epoch (as step 3
// prints it); a run here counts epochs from 1 and steps across the whole run, as checkpoints and resume name them.
static void PrintLine(TrainingUpdate u)
{
    if (u.Step % 10 != 0 && u.Step != u.TotalSteps) return;
    Console.WriteLine($"epoch {u.Epoch}/5, step {u.Step}/{u.TotalSteps}\tLoss_D: {u.LossD:F4}\tLoss_G: {u.LossG:F4}\tD(x): {u.DOfReal:F4}\t" +
                      $"D(G(z)): {u.DOfFakeInDStep:F4} / {u.DOfFakeInGStep:F4}\t{u.Remaining:mm\\:ss} left");
}
