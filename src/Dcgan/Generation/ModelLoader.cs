using Dcgan.Training;

namespace Dcgan.Generation;

/// <summary>Loads a generator for sampling from a checkpoint, a run directory (its newest checkpoint) or a PyTorch .pth state_dict.</summary>
public static class ModelLoader
{
    public static Models.Generator LoadGenerator(string checkpointOrRunDir, out string resolvedPath)
    {
        if (Interop.PyTorchStateDict.IsPyTorchFile(checkpointOrRunDir))
        {
            resolvedPath = checkpointOrRunDir;
            return Interop.PyTorchStateDict.LoadGenerator(checkpointOrRunDir);
        }
        resolvedPath = Checkpoint.Resolve(checkpointOrRunDir);
        var options = Checkpoint.ReadOptions(resolvedPath);
        var generator = new Models.Generator(options.Model);
        Checkpoint.LoadGenerator(resolvedPath, generator);
        generator.eval();
        return generator;
    }
}
