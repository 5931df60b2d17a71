using System.CommandLine;
using Dcgan.Cli.Commands;

namespace Dcgan.Cli;

/// <summary>DCGAN Studio's command line: each command parses and validates its flags, then calls the library.</summary>
internal static class DcganCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand("DCGAN Studio: train deep convolutional GANs, sample and edit images with them.")
        {
        TrainCommand.Create(),
        SampleCommand.Create(),
        AttributeCommand.Create(),
        InterpolateCommand.Create(),
        ArithmeticCommand.Create(),
        InvertCommand.Create(),
        DirectionsCommand.Create(),
        ServeCommand.Create(),
        LoadTestCommand.Create(),
        EvalCommand.Create(),
        RecalibrateCommand.Create(),
        ExportCommand.Create(),
        BenchCommand.Create(),
        DatasetCommand.Create(),
        };
        return root;
    }

    public static int Run(string[] args) => CommandRunner.Run(Build(), args);
}
