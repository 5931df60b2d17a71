using Dcgan.Generation;
using Dcgan.Latent;
using static TorchSharp.torch;

namespace Dcgan;

/// <summary>
/// A trained DCGAN generator G: draws images by seed, edits them along latent vectors, interpolates between them and
/// finds the latent of an image of your own. The same seed gives the same pixels as the <c>dcgan</c> command and the
/// studio, whatever else is drawn with it. Safe to share between threads (one drawing at a time); dispose it to free G.
/// </summary>
/// <example>
/// <code>
/// using var netG = GanGenerator.Load("emoji-dcgan");
/// netG.Grid([0, 1, 2, 3, 4, 5, 6, 7]).SavePng("grid.png");
/// </code>
/// </example>
public sealed class GanGenerator : IDisposable
{
    private readonly LoadedModel model;
    private readonly Lock gate = new();

    private GanGenerator(LoadedModel model) => this.model = model;

    /// <summary>The model drawn when none is named: emoji faces and people, trained with this library (64x64 RGB).</summary>
    public const string DefaultModel = ModelLoader.DefaultBundledModel;

    /// <summary>The names of the models that ship with the library, the default first (e.g. emoji-dcgan, fashion-mnist-dcgan).</summary>
    public static IReadOnlyList<string> BundledModels => [.. ModelLoader.BundledModels().Select(m => m.Name)];

    /// <summary>
    /// Loads a generator: a bundled model's name (see <see cref="BundledModels"/>), a PyTorch <c>netG.pth</c> state_dict
    /// (the tutorial's key names), a checkpoint of this library (.ckpt), or a training run's folder (its newest checkpoint).
    /// </summary>
    /// <param name="model">What to load (the default bundled model unless named).</param>
    /// <param name="device">"cpu", or "cuda" where a CUDA build of libtorch is present.</param>
    /// <param name="movingAverage">
    /// For a checkpoint trained with a moving average of G: true draws with the average (the default, as the command does),
    /// false with G's own weights. A .pth holds one set and ignores it.
    /// </param>
    /// <exception cref="InputException">The name is empty, or names nothing that exists (<see cref="InputProblem.NotFound"/>).</exception>
    /// <exception cref="InvalidDataException">The file is not a generator, or is damaged.</exception>
    public static GanGenerator Load(string model = DefaultModel, string device = "cpu", bool movingAverage = true)
    {
        // Never the default in disguise: an empty name (or a run's missing checkpoint) would draw another model's images.
        if (string.IsNullOrWhiteSpace(model))
            throw new InputException(nameof(model), InputProblem.Invalid,
                $"is empty: name a bundled model ({string.Join(", ", BundledModels)}), a netG.pth, a .ckpt or a run folder");
        try
        {
            return new(LoadedModel.Open(ModelLoader.ResolveOrBundled(model), device, movingAverage ? GeneratorWeights.Auto : GeneratorWeights.Raw));
        }
        catch (InputException e)
        {
            throw e.Renamed(name => name == "checkpoint" ? nameof(model) : name); // this method's words
        }
    }

    /// <summary>Where the weights came from (a full path).</summary>
    public string Source => Path.GetFullPath(model.Path);

    /// <summary>A short hash of G's weights: vectors fitted on this model carry it.</summary>
    public string WeightsHash => model.Hash;

    /// <summary>nz, the length of a latent.</summary>
    public int LatentSize => model.Options.Nz;

    /// <summary>Image width and height in pixels.</summary>
    public int ImageSize => model.Options.ImageSize;

    /// <summary>Channels of the images: 3 (RGB) or 1 (gray).</summary>
    public int Channels => model.Options.Nc;

    /// <summary>
    /// The latent z of a seed: PyTorch's <c>torch.manual_seed(seed); torch.randn(1, nz, 1, 1)</c> on the CPU, so a seed
    /// means the same z here, in the command, the studio, the exported web page and PyTorch.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The seed is negative.</exception>
    public float[] Latent(long seed)
    {
        CheckSeed(seed);
        using var z = model.LatentsFor([seed]);
        return z.data<float>().ToArray();
    }

    /// <summary>The image of one seed.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The seed is negative.</exception>
    public GeneratedImage Draw(long seed) => Draw([seed])[0];

    /// <summary>The images of several seeds, in order; each is the image its seed gives alone.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A seed is negative.</exception>
    public IReadOnlyList<GeneratedImage> Draw(IReadOnlyList<long> seeds)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        foreach (long seed in seeds) CheckSeed(seed);
        lock (gate) return Wrap(model.Sampler.RenderSeeds(seeds));
    }

    /// <summary>The image of an explicit latent (nz values), e.g. from <see cref="Latent"/>, an edit or an inversion.</summary>
    /// <exception cref="ArgumentException">The latent does not have <see cref="LatentSize"/> finite values.</exception>
    public GeneratedImage Draw(float[] latent)
    {
        CheckLatent(latent);
        lock (gate) return new GeneratedImage(model.Sampler.Render(latent, 1)[0]);
    }

    /// <summary>The seeds' images as one grid, <paramref name="columns"/> per row with 2-pixel gaps (torchvision's make_grid).</summary>
    public GeneratedImage Grid(IReadOnlyList<long> seeds, int columns = 8)
    {
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), columns, "a grid needs at least one column");
        var images = Draw(seeds);
        if (images.Count == 0) throw new ArgumentException("a grid needs at least one seed", nameof(seeds));
        return new GeneratedImage(Imaging.ImageGrid.Make([.. images.Select(i => i.Pixel)], columns));
    }

    /// <summary>
    /// Fits an attribute vector from seeds a person labelled: v_A = mean(z with A) - mean(z without A), validated on
    /// held-out seeds (<see cref="LatentVector.HeldOutAccuracy"/>) and tied to this model.
    /// </summary>
    /// <param name="name">The vector's name: letters, digits, '.', '_' and '-'.</param>
    /// <param name="seedsWith">Seeds whose images show the attribute (at least 2).</param>
    /// <param name="seedsWithout">Seeds whose images do not (at least 2).</param>
    /// <exception cref="ArgumentException">Too few seeds on a side, a seed on both sides, or a bad name.</exception>
    public LatentVector FitVector(string name, IReadOnlyList<long> seedsWith, IReadOnlyList<long> seedsWithout)
    {
        ArgumentNullException.ThrowIfNull(seedsWith);
        ArgumentNullException.ThrowIfNull(seedsWithout);
        foreach (long seed in seedsWith.Concat(seedsWithout)) CheckSeed(seed);
        return new LatentVector(ModelVectors.Fit(model, name, AttributeMethod.MeanDiff, seedsWith, seedsWithout));
    }

    /// <summary>
    /// Directions found in G's weights without labels (SeFa: the top eigenvectors of its first layer), strongest first,
    /// named sefa-00, sefa-01, ... Each is a unit vector: strengths of about -3..3 show what it changes.
    /// </summary>
    public IReadOnlyList<LatentVector> DiscoverDirections(int count = 5)
    {
        if (count < 1 || count > LatentSize)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"between 1 and nz ({LatentSize}) directions");
        lock (gate) return [.. ModelVectors.Discover(model, AttributeMethod.Sefa, count).Select(v => new LatentVector(v))];
    }

    /// <summary>The seed's image moved along a vector: G(z + strength * v).</summary>
    /// <exception cref="ArgumentException">The vector's length is not this model's nz, or the strength is not finite.</exception>
    public GeneratedImage Edit(long seed, LatentVector vector, double strength) => Edit(Latent(seed), vector, strength);

    /// <summary>An explicit latent's image moved along a vector: G(z + strength * v).</summary>
    /// <exception cref="ArgumentException">The latent or the vector does not fit this model, or the strength is not finite.</exception>
    public GeneratedImage Edit(float[] latent, LatentVector vector, double strength)
    {
        CheckLatent(latent);
        ArgumentNullException.ThrowIfNull(vector);
        if (vector.LatentSize != LatentSize)
            throw new ArgumentException($"vector '{vector.Name}' has {vector.LatentSize} values, and this model's latents have {LatentSize}",
                nameof(vector));
        if (!double.IsFinite(strength)) throw new ArgumentException($"strength must be a finite number (got {strength})", nameof(strength));
        using var scope = NewDisposeScope();
        var figure = Figures.Edit(tensor(latent).reshape(1, -1), [new VectorEdit(vector.Vector, strength)], []);
        lock (gate) return new GeneratedImage(figure.Draw(model.Sampler));
    }

    /// <summary>
    /// The images along the path from one seed's latent to another's, both ends included: along the great circle
    /// (slerp, the default) or straight (lerp).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 2 or more than 256 steps, or a negative seed.</exception>
    public IReadOnlyList<GeneratedImage> Interpolate(long fromSeed, long toSeed, int steps = 8, bool spherical = true)
    {
        CheckSeed(fromSeed);
        CheckSeed(toSeed);
        if (steps < 2 || steps > Figures.MaxInterpolationSteps)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"between 2 and {Figures.MaxInterpolationSteps} steps");
        using var scope = NewDisposeScope();
        var path = LatentMath.Path([model.LatentsFor([fromSeed]), model.LatentsFor([toSeed])], steps, spherical);
        lock (gate) return Wrap(model.Sampler.Render(path));
    }

    /// <summary>
    /// GAN inversion: the latent whose image is closest to an image of your own (PNG, JPEG, WebP or BMP bytes; it is
    /// resized to the model's size), by gradient descent from several starts.
    /// </summary>
    /// <param name="encodedImage">The image file's bytes.</param>
    /// <param name="steps">Optimisation steps per start (400 by default; more come closer, slower).</param>
    /// <param name="cancel">Stops the search early; the best latent so far is returned.</param>
    /// <exception cref="InvalidDataException">The bytes are not an image this library decodes.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 1 or more than 10,000 steps.</exception>
    public InvertedImage Invert(byte[] encodedImage, int steps = 400, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(encodedImage);
        if (steps is < 1 or > 10_000) throw new ArgumentOutOfRangeException(nameof(steps), steps, "between 1 and 10000 steps");
        var options = new InversionOptions { Steps = steps };
        lock (gate)
        {
            var found = model.Invert("image", encodedImage, options, cancel: cancel);
            return new InvertedImage(found.Latent, found.Psnr, found.Ssim);
        }
    }

    /// <summary>Frees G's native memory.</summary>
    public void Dispose() => model.Dispose();

    private static GeneratedImage[] Wrap(IReadOnlyList<Imaging.PixelImage> images) => [.. images.Select(i => new GeneratedImage(i))];

    private static void CheckSeed(long seed)
    {
        if (seed < 0) throw new ArgumentOutOfRangeException(nameof(seed), seed, "seeds are non-negative integers");
    }

    private void CheckLatent(float[] latent)
    {
        ArgumentNullException.ThrowIfNull(latent);
        if (latent.Length != LatentSize)
            throw new ArgumentException($"a latent of this model has {LatentSize} values (got {latent.Length})", nameof(latent));
        if (latent.Any(v => !float.IsFinite(v))) throw new ArgumentException("the latent holds values that are not finite", nameof(latent));
    }
}
