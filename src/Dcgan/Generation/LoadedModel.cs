using Dcgan.Latent;
using Dcgan.Models;
using static TorchSharp.torch;

namespace Dcgan.Generation;

/// <summary>A generator ready to serve: its sampler, where it came from, and its weight hash (what vectors are tied to).</summary>
public sealed class LoadedModel : IDisposable
{
    public ImageSampler Sampler { get; }
    public string Path { get; }
    public string Hash { get; }
    public ModelOptions Options => Sampler.Options;

    private LoadedModel(ImageSampler sampler, string path)
    {
        Sampler = sampler;
        Path = path;
        Hash = ModelFingerprint.Of(sampler.Generator);
    }

    public static LoadedModel Open(string checkpointOrRunDir, string device = "cpu", GeneratorWeights weights = GeneratorWeights.Auto)
    {
        var generator = ModelLoader.LoadGenerator(checkpointOrRunDir, out string resolved, weights);
        return new LoadedModel(new ImageSampler(generator, DeviceSelector.Parse(device)), resolved);
    }

    /// <summary>A latent given as a seed ("42") or as a file of explicit latents (its first row).</summary>
    public Tensor LatentFrom(string seedOrFile)
    {
        if (long.TryParse(seedOrFile, out long seed))
        {
            if (seed < 0) throw new ArgumentException($"seeds are non-negative integers (got {seed})");
            return LatentSampler.ForSeed(seed, Options.Nz, Options.Prior);
        }
        using var all = LatentFile.Read(seedOrFile, Options.Nz);
        return all[..1].clone();
    }

    public Tensor LatentsFor(IReadOnlyList<long> seeds) => Sampler.LatentsFor(seeds);

    /// <summary>Loads a vector file and checks that it belongs to this model (see <see cref="AttributeVector.CheckFits"/>).</summary>
    public AttributeVector LoadVector(string path, bool allowOtherModel, Action<string>? warn = null)
    {
        var vector = AttributeVector.Load(path);
        if (vector.CheckFits(Options.Nz, Hash, allowOtherModel) is { } warning) warn?.Invoke(warning);
        return vector;
    }

    public void Dispose() => Sampler.Dispose();
}
