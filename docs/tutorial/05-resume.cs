#:project ../../src/Dcgan/Dcgan.csproj
#:property RestorePackagesWithLockFile=false

// A notebook loses its state when the kernel restarts; a run here does not. Everything training needs (G, D, both Adam
// states, the step, the random streams) is in the newest checkpoint, so a stopped run -- Ctrl+C, a crash, a closed
// laptop -- continues exactly where it was, bit for bit as if it had never stopped. Run this as often as you like:
// each time it trains a few more epochs.
//   dotnet run 05-resume.cs [-- MORE_STEPS]
using Dcgan;

string run = "runs/tutorial";
if (!Directory.Exists(Path.Combine(run, "checkpoints")))
{
    Console.WriteLine($"No run in {run} yet: start it with 04-train.cs");
    return;
}
long more = args.Length > 0 ? long.Parse(args[0]) : 165; // five more epochs of the emoji set at batch 64
long? startedAt = null;
// A resumed run keeps its settings; only where it ends may change (the first of Epochs and MaxSteps reached).
var outcome = GanTraining.Train(new TrainingSettings { OutputDirectory = run, Epochs = 1000, MaxSteps = GanTraining.StepsSaved(run) + more },
    resume: true, onStep: u => startedAt ??= u.Step - 1);
Console.WriteLine($"Resumed at step {startedAt} and trained to step {outcome.Steps}; checkpoint {outcome.Checkpoint}");

