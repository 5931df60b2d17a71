using Dcgan.Training;

namespace Dcgan.Generation;

/// <summary>Loads a generator for sampling from a checkpoint file or a run directory (its newest checkpoint).</summary>
public static class ModelLoader
{
    public static Models.Generator LoadGenerator(string checkpointOrRunDir, out string resolvedPath)
    {
        resolvedPath = Checkpoint.Resolve(checkpointOrRunDir);
        var options = Checkpoint.ReadOptions(resolvedPath);
        var generator = new Models.Generator(options.Model);
        Checkpoint.LoadGenerator(resolvedPath, generator);
        generator.eval();
        return generator;
    }
}
