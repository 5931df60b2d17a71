using System.CommandLine;
using Dcgan.Training;
using Dcgan.Interop;
using Dcgan.Models;
using static Dcgan.Cli.Commands.OptionFactory;

namespace Dcgan.Cli.Commands;

internal static class RecalibrateCommand
{
    public static Command Create()
    {
        var model = new ModelArguments();
        var samples = Make("--samples", "Latents drawn from the prior to measure the statistics over.", 8192);
        var batchSize = Make("--batch-size", "Batch size of the measuring passes.", 64);
        var seed = Make("--seed", "Seed of the latents.", 0L);
        var output = Required<string>("--out",
            "The recalibrated generator to write, as a PyTorch state_dict (.pth); use it with --checkpoint.");
        var command = new Command("recalibrate",
                "Re-measure G's BatchNorm running statistics over many z (eval-mode sampling then matches the prior).")
            .With([.. model.All, samples, batchSize, seed, output]);
        command.SetAction(r => CommandRunner.Guard("recalibrate", () =>
        {
            string outPath = r.GetValue(output)!;
            if (!PyTorchStateDict.IsPyTorchFile(outPath)) throw CommandRunner.Usage($"--out must end in .pth (got '{outPath}')");
            CheckOutputFile("--out", outPath, [Path.GetExtension(outPath)]);
            using var loaded = model.Open(r);
            BatchNormRecalibration.Apply(loaded.Sampler.Generator, r.GetValue(samples), r.GetValue(batchSize), r.GetValue(seed));
            PyTorchStateDict.Save(loaded.Sampler.Generator, outPath);
            Console.WriteLine($"BatchNorm statistics of {loaded.Path} re-measured over {r.GetValue(samples)} latents; wrote {outPath}");
            return 0;
        }));
        return command;
    }
}
