using System.CommandLine;
using Dcgan.Interop;
using Dcgan.Models;
using Dcgan.Training;
using static Dcgan.Cli.Commands.OptionFactory;

namespace Dcgan.Cli.Commands;

public static class ExportCommand
{
    public static Command Create()
    {
        var checkpoint = Required<string>("--checkpoint", "A checkpoint file (.ckpt) or a run directory (its newest checkpoint).");
        var output = Required<string>("--out", "Folder for netG.pth and netD.pth.");
        var command = new Command("export",
                "Write G and D as PyTorch state_dicts (netG.pth, netD.pth) that load with load_state_dict(torch.load(path)).")
            .With(checkpoint, output);
        command.SetAction(r => CommandRunner.Guard("export", () =>
        {
            string path = Checkpoint.Resolve(r.GetValue(checkpoint)!);
            var options = Checkpoint.ReadOptions(path).Model;
            using var generator = new Generator(options);
            using var discriminator = new Discriminator(options);
            Checkpoint.LoadGenerator(path, generator);
            Checkpoint.LoadDiscriminator(path, discriminator);
            string dir = r.GetValue(output)!;
            Directory.CreateDirectory(dir);
            PyTorchStateDict.Save(generator, Path.Combine(dir, "netG.pth"));
            PyTorchStateDict.Save(discriminator, Path.Combine(dir, "netD.pth"));
            using var average = new Generator(options);
            bool hasEma = Checkpoint.TryLoadGeneratorEma(path, average);
            if (hasEma) PyTorchStateDict.Save(average, Path.Combine(dir, "netG_ema.pth"));
            Console.WriteLine($"wrote {dir}/netG.pth{(hasEma ? $", {dir}/netG_ema.pth" : "")} and {dir}/netD.pth " +
                $"(nz {options.Nz}, ngf {options.Ngf}, ndf {options.Ndf}, nc {options.Nc}, {options.ImageSize}px, " +
                $"loss {DcganJson.Name(options.Loss)})");
            return 0;
        }));
        return command;
    }
}
