using Dcgan.Data;
using Dcgan.Imaging;
using Dcgan.Interop;
using Dcgan.Models;
using Dcgan.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dcgan;

/// <summary>One layer of G or D: its state_dict name, as PyTorch prints it, the shape it outputs, and its weights.</summary>
/// <param name="Name">The layer's key in the state_dict, e.g. main.0 (its weight is main.0.weight).</param>
/// <param name="Layer">The layer as PyTorch's print(net) writes it.</param>
/// <param name="OutputShape">What it outputs for one input: [1, channels, height, width].</param>
/// <param name="Parameters">How many numbers it learns.</param>
/// <param name="WeightMean">The mean of its weight (convolutions and BatchNorm), null for layers without one.</param>
/// <param name="WeightStd">The standard deviation of its weight, null for layers without one.</param>
public sealed record NetworkLayer(string Name, string Layer, IReadOnlyList<long> OutputShape, long Parameters, double? WeightMean,
    double? WeightStd);

/// <summary>What one training step measured, as the tutorial prints it.</summary>
/// <param name="LossD">D's loss: BCE on the real batch plus BCE on the fake batch.</param>
/// <param name="LossG">G's non-saturating loss: BCE of D(G(z)) against the label "real".</param>
/// <param name="DOfReal">D(x): D's mean output on the real batch (near 1 early, about 0.5 when G is good).</param>
/// <param name="DOfFakeInDStep">D(G(z)) before D's update (the tutorial's D_G_z1).</param>
/// <param name="DOfFakeInGStep">D(G(z)) after D's update, in G's step (the tutorial's D_G_z2).</param>
public sealed record StepLosses(double LossD, double LossG, double DOfReal, double DOfFakeInDStep, double DOfFakeInGStep);

/// <summary>
/// G and D as the tutorial builds them, in memory: to look inside (layers, shapes, the weights weights_init gave them),
/// to take training steps by hand, and to save as PyTorch state_dicts. <see cref="GanTraining.Train"/> runs the same
/// steps with checkpoints, samples and curves.
/// </summary>
public sealed class GanNetworks : IDisposable
{
    private readonly TrainingOptions options;
    private readonly GanPair pair;
    private readonly Device device;
    private BatchLoader? loader;
    private (TrainingImages Images, int BatchSize)? loaderFor;

    private GanNetworks(TrainingOptions options, Device device)
    {
        this.options = options;
        this.device = device;
        pair = new GanPair(options, device);
    }

    /// <summary>
    /// The tutorial's G and D (nz 100, ngf = ndf = 64) for images of <paramref name="imageSize"/> with
    /// <paramref name="channels"/> channels, initialised by weights_init from <paramref name="seed"/> (convolutions
    /// N(0, 0.02); BatchNorm weights N(1, 0.02), biases 0), each with its Adam (lr 2e-4, betas 0.5 / 0.999).
    /// </summary>
    /// <exception cref="ArgumentException">A size or channel count the networks do not take.</exception>
    public static GanNetworks Create(long seed = 999, int imageSize = 64, int channels = 3, string device = "cpu")
    {
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "1 (gray) or 3 (RGB)");
        if (!ModelOptions.SupportedImageSizes.Contains(imageSize))
            throw new ArgumentOutOfRangeException(nameof(imageSize), imageSize, $"image sizes are {string.Join(", ", ModelOptions.SupportedImageSizes)}");
        if (seed < 0) throw new ArgumentOutOfRangeException(nameof(seed), seed, "seeds are non-negative integers");
        var options = new TrainingOptions { Seed = seed, Device = device, Model = new ModelOptions { ImageSize = imageSize, Nc = channels } };
        return new GanNetworks(options, DeviceSelector.Parse(device));
    }

    /// <summary>nz, the length of G's input z.</summary>
    public int LatentSize => options.Model.Nz;

    /// <summary>G's layers in order, from z [1, nz, 1, 1] to an image [1, channels, size, size].</summary>
    public IReadOnlyList<NetworkLayer> GeneratorLayers =>
        Describe(pair.Generator.Layers, pair.Generator, [1, options.Model.Nz, 1, 1]);

    /// <summary>D's layers in order, from an image to one probability [1, 1, 1, 1].</summary>
    public IReadOnlyList<NetworkLayer> DiscriminatorLayers =>
        Describe(pair.Discriminator.Layers, pair.Discriminator, [1, options.Model.Nc, options.Model.ImageSize, options.Model.ImageSize]);

    /// <summary>G as PyTorch's <c>print(netG)</c> writes the tutorial's Generator.</summary>
    public string GeneratorText => Print("Generator", GeneratorLayers);

    /// <summary>D as PyTorch's <c>print(netD)</c> writes the tutorial's Discriminator.</summary>
    public string DiscriminatorText => Print("Discriminator", DiscriminatorLayers);

    /// <summary>Steps taken so far.</summary>
    public long StepsDone { get; private set; }

    /// <summary>
    /// One training step on the next batch of <paramref name="images"/>, in the order training shuffles them: (1) update D
    /// on the real batch and on G's fakes, detached; (2) update G through D with the non-saturating loss. It is the step
    /// <see cref="GanTraining.Train"/> takes, with the same seed, batch and random draws.
    /// </summary>
    /// <exception cref="ArgumentException">The images do not have this network's size or channels, or the batch is under 2.</exception>
    public StepLosses Step(TrainingImages images, int batchSize = 128)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.ImageSize != options.Model.ImageSize || images.Channels != options.Model.Nc)
            throw new ArgumentException($"the images are {images.ImageSize}x{images.ImageSize}x{images.Channels}; these networks take " +
                $"{options.Model.ImageSize}x{options.Model.ImageSize}x{options.Model.Nc}", nameof(images));
        if (batchSize is < 2 or > 4096)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "between 2 and 4096 (BatchNorm needs at least 2)");
        if (loaderFor != (images, batchSize))
        {
            loader?.Dispose();
            loader = new BatchLoader(images.Cache, batchSize, options.Seed);
            loaderFor = (images, batchSize);
        }
        using var scope = NewDisposeScope();
        var pixels = loader!.Take(StepsDone, out int count);
        var real = PixelConverter.FromByteTensor(tensor(pixels, [count, options.Model.Nc, options.Model.ImageSize, options.Model.ImageSize]),
            device);
        using var random = new TorchSharp.torch.Generator(SeedMixer.Mix(options.Seed, RandomStream.TrainingStep, (ulong)StepsDone));
        var (lossD, lossG, dx, dgz1, dgz2) = pair.Step(real, random, StepsDone);
        StepsDone++;
        return new StepLosses(lossD, lossG, dx, dgz1, dgz2);
    }

    /// <summary>
    /// Writes G and D as PyTorch state_dicts, <paramref name="directory"/>/netG.pth and netD.pth, with the tutorial's key
    /// names: <c>netG.load_state_dict(torch.load("netG.pth"))</c> in Python, <see cref="GanGenerator.Load"/> here.
    /// </summary>
    public void SaveState(string directory)
    {
        Directory.CreateDirectory(directory);
        PyTorchStateDict.Save(pair.Generator, Path.Combine(directory, "netG.pth"));
        PyTorchStateDict.Save(pair.Discriminator, Path.Combine(directory, "netD.pth"));
    }

    /// <summary>Frees G, D and their optimisers.</summary>
    public void Dispose()
    {
        loader?.Dispose();
        pair.Dispose();
    }

    private static List<NetworkLayer> Describe(IReadOnlyList<nn.Module<Tensor, Tensor>> layers, nn.Module net, long[] input)
    {
        bool training = net.training;
        net.eval(); // shapes only: BatchNorm's running statistics must not move
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var x = zeros(input);
            var described = new List<NetworkLayer>(layers.Count);
            for (int i = 0; i < layers.Count; i++)
            {
                x = layers[i].forward(x);
                // "weight", or "1.weight" for a resize + convolution (its Upsample, index 0, has none)
                var weight = layers[i].named_parameters().FirstOrDefault(p => p.name == "weight" || p.name.EndsWith(".weight")).parameter;
                described.Add(new NetworkLayer($"main.{i}", LayerText.Of(layers[i]), x.shape,
                    layers[i].parameters().Sum(p => p.numel()),
                    weight is null ? null : weight.mean().item<float>(), weight is null ? null : weight.std().item<float>()));
            }
            return described;
        }
        finally
        {
            net.train(training);
        }
    }

    private static string Print(string name, IReadOnlyList<NetworkLayer> layers) =>
        $"{name}(\n  (main): Sequential(\n" + string.Concat(layers.Select((l, i) => $"    ({i}): {l.Layer}\n")) + "  )\n)";
}
