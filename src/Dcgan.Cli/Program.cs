using System.CommandLine;
using Dcgan.Cli.Commands;

// DCGAN Studio's command line: each command parses and validates its flags, then calls the library.
var root = new RootCommand("DCGAN Studio: train deep convolutional GANs, sample and edit images with them.")
{
    TrainCommand.Create(),
    SampleCommand.Create(),
    BenchCommand.Create(),
    DatasetCommand.Create(),
};
return CommandRunner.Run(root, args);
