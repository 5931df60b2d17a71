using Dcgan.Latent;
using Dcgan.Models;
using static TorchSharp.torch;

namespace Dcgan.Generation;

/// <summary>A generator ready to serve: its sampler, where it came from, and its weight hash (what vectors are tied to).</summary>
internal sealed class LoadedModel : IDisposable
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

    /// <summary>
    /// Loads a generator to draw with. <paramref name="precision"/> bf16 runs its convolutions in bfloat16 (faster where the
    /// processor has native bf16); fp32, the default, gives PyTorch's pixels. <paramref name="passedOver"/> is told of each
    /// damaged newer checkpoint that a run directory's choice passed over.
    /// </summary>
    public static LoadedModel Open(string checkpointOrRunDir, string device = "cpu", GeneratorWeights weights = GeneratorWeights.Auto,
        Precision precision = Precision.Fp32, Action<string>? passedOver = null)
    {
        var generator = ModelLoader.LoadGenerator(checkpointOrRunDir, out string resolved, weights, passedOver);
        generator.Precision = precision;
        return new LoadedModel(ImageSampler.ForDrawing(generator, DeviceSelector.Parse(device)), resolved);
    }

    /// <summary>A latent given as a seed ("42") or as a file of explicit latents (its first row).</summary>
    public Tensor LatentFrom(string seedOrFile)
    {
        if (long.TryParse(seedOrFile, out long seed))
        {
            if (seed < 0) throw new InputException("seed", InputProblem.OutOfRange, $": seeds are non-negative integers (got {seed})");
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

    /// <summary>D of the run that made this G, where the file holds one (a checkpoint does; a bare netG.pth does not).</summary>
    public Discriminator? LoadDiscriminator()
    {
        if (Interop.PyTorchStateDict.IsPyTorchFile(Path)) return null;
        var discriminator = new Discriminator(Training.Checkpoint.ReadOptions(Path).Model) { Precision = Sampler.Generator.Precision };
        Training.Checkpoint.LoadDiscriminator(Path, discriminator);
        discriminator.eval();
        return discriminator;
    }

    /// <summary>Finds z for an encoded image (see <see cref="Inversion"/>), with D's features where this model's file has D.</summary>
    public InversionResult Invert(string name, byte[] encoded, InversionOptions options, IProgress<int>? progress = null,
        CancellationToken cancel = default)
    {
        using var scope = NewDisposeScope();
        return Invert(Inversion.ReadTarget(name, encoded, Options), options, progress, cancel);
    }

    /// <summary>Finds z for an image already read as this model's target (<see cref="Inversion.ReadTarget"/>).</summary>
    public InversionResult Invert(Tensor target, InversionOptions options, IProgress<int>? progress = null, CancellationToken cancel = default)
    {
        using var scope = NewDisposeScope();
        using var discriminator = LoadDiscriminator();
        return Inversion.Invert(Sampler.Generator, discriminator, target, options, progress, cancel);
    }

    public void Dispose() => Sampler.Dispose();
}
