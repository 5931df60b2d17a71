using System.Reflection;

namespace Dcgan.Tests;

/// <summary>
/// The package's public API (src/Dcgan/Api), used as another program would: only its types, nothing internal. The
/// figures it draws are the command's, byte for byte.
/// </summary>
public class FacadeTests
{
    private static readonly Lazy<GanGenerator> Emoji = new(() => GanGenerator.Load());

    [Fact]
    public void The_public_surface_is_the_facade_alone()
    {
        var exported = typeof(GanGenerator).Assembly.GetExportedTypes().Select(t => t.FullName).Order(StringComparer.Ordinal);
        Assert.Equal(
            ["Dcgan.GanGenerator", "Dcgan.GanNetworks", "Dcgan.GanTraining", "Dcgan.GeneratedImage", "Dcgan.InputException",
             "Dcgan.InputProblem", "Dcgan.InvertedImage", "Dcgan.LatentVector", "Dcgan.NetworkLayer", "Dcgan.StepLosses", "Dcgan.TrainingImages", "Dcgan.TrainingOutcome",
             "Dcgan.TrainingSettings", "Dcgan.TrainingUpdate"],
            exported);
        // Every public member is documented: the package's XML file names each one.
        string xml = File.ReadAllText(Path.ChangeExtension(typeof(GanGenerator).Assembly.Location, ".xml"));
        Assert.Contains("M:Dcgan.GanGenerator.Edit(System.Int64,Dcgan.LatentVector,System.Double)", xml);
        Assert.Contains("T:Dcgan.TrainingSettings", xml);
    }

    [Fact]
    public void A_grid_is_the_commands_grid_byte_for_byte_and_a_seed_does_not_depend_on_its_batch()
    {
        var netG = Emoji.Value;
        Assert.Equal(GanGenerator.DefaultModel, GanGenerator.BundledModels[0]);
        Assert.Contains("fashion-mnist-dcgan", GanGenerator.BundledModels);
        Assert.Equal((100, 64, 3), (netG.LatentSize, netG.ImageSize, netG.Channels));

        string dir = TestData.TempDir("facade-grid");
        string fromCommand = Path.Combine(dir, "cli.png");
        var (code, _, err) = CliTests.Run("sample", "--seed", "10", "--n", "6", "--nrow", "3", "--out", fromCommand);
        Assert.True(code == 0, err);
        Assert.Equal(File.ReadAllBytes(fromCommand), netG.Grid([10, 11, 12, 13, 14, 15], columns: 3).ToPng());

        var alone = netG.Draw(12);
        Assert.Equal(alone.Pixels, netG.Draw([40, 12, 7])[1].Pixels);
        Assert.Equal(alone.Pixels, netG.Draw(netG.Latent(12)).Pixels);
        Assert.Equal((64, 64, 3, 64 * 64 * 4), (alone.Width, alone.Height, alone.Channels, alone.ToRgba().Length));
    }

    [Fact]
    public void A_fitted_vector_edits_travels_as_a_torch_file_and_interpolation_ends_at_its_seeds()
    {
        var netG = Emoji.Value;
        var v = netG.FitVector("test-attr", seedsWith: [1, 2, 3, 4], seedsWithout: [5, 6, 7, 8]);
        Assert.Equal(("test-attr", "mean-diff", 100), (v.Name, v.Method, v.LatentSize));
        Assert.NotNull(v.HeldOutAccuracy);

        string path = Path.Combine(TestData.TempDir("facade-vector"), "v.pt");
        v.Save(path);
        var back = LatentVector.Load(path);
        Assert.Equal(v.Values, back.Values);
        Assert.Equal("test-attr", back.Name); // the JSON beside the .pt brings the name back

        Assert.Equal(netG.Draw(9).Pixels, netG.Edit(9, v, strength: 0).Pixels);
        Assert.NotEqual(netG.Draw(9).Pixels, netG.Edit(9, v, strength: 3).Pixels);
        // The same edit by hand: z + 3 v.
        float[] z = netG.Latent(9), values = v.Values;
        var moved = LatentVector.FromValues("by-hand", values);
        Assert.Equal(netG.Edit(9, v, 3).Pixels, netG.Edit(z, moved, 3).Pixels);

        var path8 = netG.Interpolate(20, 21, steps: 5);
        Assert.Equal(5, path8.Count);
        Assert.Equal(netG.Draw(20).Pixels, path8[0].Pixels);
        Assert.Equal(netG.Draw(21).Pixels, path8[^1].Pixels);

        var directions = netG.DiscoverDirections(3);
        Assert.Equal(["sefa-00", "sefa-01", "sefa-02"], directions.Select(d => d.Name));
        Assert.All(directions, d => Assert.Equal(1, Math.Sqrt(d.Values.Sum(x => (double)x * x)), 3));
    }

    [Fact]
    public void An_inverted_image_comes_back_close_to_itself()
    {
        var netG = Emoji.Value;
        var found = netG.Invert(netG.Draw(3).ToPng(), steps: 30);
        Assert.Equal(100, found.Latent.Length);
        Assert.InRange(found.Psnr, 10, 100);
        Assert.Equal(64, netG.Draw(found.Latent).Width);
    }

    [Fact]
    public void Bad_input_is_refused_by_name()
    {
        var netG = Emoji.Value;
        Assert.Equal("seed", Assert.Throws<ArgumentOutOfRangeException>(() => netG.Draw(-1)).ParamName);
        Assert.Contains("has 100 values (got 3)", Assert.Throws<ArgumentException>(() => netG.Draw([1f, 2f, 3f])).Message);
        var small = LatentVector.FromValues("small", [1f, 0f]);
        Assert.Contains("'small' has 2 values, and this model's latents have 100",
            Assert.Throws<ArgumentException>(() => netG.Edit(1, small, 1)).Message);
        Assert.Contains("all zeros", Assert.Throws<InvalidDataException>(() => LatentVector.FromValues("zero", new float[100])).Message);
        Assert.Contains("not a valid name", Assert.Throws<InputException>(() => LatentVector.FromValues("../x", [1f])).Message);
        var missing = Assert.Throws<InputException>(() => GanGenerator.Load("no-such-model"));
        Assert.Equal((InputProblem.NotFound, "model"), (missing.Problem, missing.Setting));
        Assert.StartsWith("model 'no-such-model' does not exist", missing.Message);
        Assert.Contains("emoji-dcgan", missing.Message); // it names what there is
        Assert.Equal(InputProblem.Invalid, Assert.Throws<InputException>(() => GanGenerator.Load("")).Problem); // never the default in disguise
        // Training settings are named as TrainingSettings names them.
        var badEma = Assert.Throws<InputException>(() => GanTraining.Train(new TrainingSettings
        {
            Data = TestData.ImageFolder(2), OutputDirectory = TestData.TempDir("facade-bad"), MovingAverage = 1.5,
        }));
        Assert.StartsWith("movingAverage must be in (0, 1)", badEma.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => netG.Interpolate(1, 2, steps: 1));
        // Files of the wrong kind say what they are.
        string dir = TestData.TempDir("facade-kinds");
        string text = Path.Combine(dir, "notes.pt");
        File.WriteAllText(text, "not a tensor");
        Assert.Contains("is not a PyTorch file: torch.save writes a zip", Assert.Throws<InvalidDataException>(() => GanGenerator.Load(text)).Message);
        Assert.Contains("is neither a tensor saved by torch.save (a zip archive) nor a vector's JSON: it holds other text", Assert.Throws<InvalidDataException>(() => LatentVector.Load(text)).Message);
        // A state_dict saved with _use_new_zipfile_serialization=False starts as a bare pickle (protocol 2): named as the
        // legacy format, not as "a whole pickled model"; an empty file as empty.
        string legacy = Path.Combine(dir, "legacy.pth"), empty = Path.Combine(dir, "empty.pth");
        File.WriteAllBytes(legacy, [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]);
        File.WriteAllBytes(empty, []);
        Assert.Contains("saved in PyTorch's legacy format", Assert.Throws<InvalidDataException>(() => GanGenerator.Load(legacy)).Message);
        Assert.Contains("is empty", Assert.Throws<InvalidDataException>(() => GanGenerator.Load(empty)).Message);
        string vectorFile = Path.Combine(dir, "v.pt");
        LatentVector.FromValues("v", [.. Enumerable.Repeat(0.1f, 100)]).Save(vectorFile);
        Assert.Contains("holds a single tensor (a vector, say), not a state_dict",
            Assert.Throws<InvalidDataException>(() => GanGenerator.Load(vectorFile)).Message);
        Assert.Contains("the image is empty", Assert.Throws<InvalidDataException>(() => netG.Invert([], steps: 1)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => netG.Grid([1], columns: 0));
    }

    [Fact]
    public void Training_reports_every_step_stops_on_cancel_resumes_and_its_checkpoint_draws()
    {
        string root = TestData.TempDir("facade-train");
        var settings = new TrainingSettings
        {
            Data = TestData.ImageFolder(8), OutputDirectory = Path.Combine(root, "run"), BatchSize = 4, ImageSize = 32, MaxSteps = 3,
            SampleEvery = 100, CheckpointEvery = 100,
        };
        var steps = new List<long>();
        var outcome = GanTraining.Train(settings, onStep: u => steps.Add(u.Step));
        Assert.Equal([1, 2, 3], steps);
        Assert.Equal((3, false), (outcome.Steps, outcome.Cancelled));
        Assert.True(File.Exists(outcome.Checkpoint));
        Assert.Equal(3, GanTraining.StepsSaved(settings.OutputDirectory));
        Assert.Equal(0, GanTraining.StepsSaved(Path.Combine(root, "no-run")));

        using var cancel = new CancellationTokenSource();
        var resumed = GanTraining.Train(settings with { MaxSteps = 10 }, resume: true,
            onStep: u => { if (u.Step == 5) cancel.Cancel(); }, cancel: cancel.Token);
        Assert.True(resumed.Cancelled);
        Assert.Equal(5, resumed.Steps);
        Assert.Equal(5, GanTraining.StepsSaved(settings.OutputDirectory)); // saved on the way out

        using var mine = GanGenerator.Load(settings.OutputDirectory);
        Assert.Equal((32, 3), (mine.ImageSize, mine.Channels));
        Assert.Equal(32, mine.Draw(0).Width);
    }

    [Fact]
    public void The_networks_print_as_PyTorch_prints_the_tutorials_and_weights_init_gives_its_statistics()
    {
        using var nets = GanNetworks.Create(seed: 999);
        // The tutorial's classes in Debian's PyTorch at the tutorial's sizes, printed. Our LeakyReLU is not in place (autograd keeps its input),
        // so PyTorch's ", inplace=True" is the one difference allowed.
        string printed = TestData.PyTorch(PyTorchReferenceTests.TutorialNets.Replace("nz, ngf, ndf, nc = 8, 4, 4, 3", "nz, ngf, ndf, nc = 100, 64, 64, 3") +
            "print(Generator())\nprint(Discriminator())\n").Replace("negative_slope=0.2, inplace=True", "negative_slope=0.2");
        Assert.Equal(printed.TrimEnd(), nets.GeneratorText + "\n" + nets.DiscriminatorText);

        var g = nets.GeneratorLayers;
        Assert.Equal([1L, 512, 4, 4], g[0].OutputShape);
        Assert.Equal([1L, 3, 64, 64], g[^1].OutputShape);
        Assert.Equal([1L, 1, 1, 1], nets.DiscriminatorLayers[^1].OutputShape);
        Assert.Equal(3_576_704, g.Sum(l => l.Parameters)); // the tutorial's G
        // weights_init: convolutions N(0, 0.02), BatchNorm weights N(1, 0.02).
        foreach (var layer in g.Where(l => l.Layer.StartsWith("ConvTranspose2d")))
            Assert.True(Math.Abs(layer.WeightMean!.Value) < 0.002 && Math.Abs(layer.WeightStd!.Value - 0.02) < 0.002, layer.ToString());
        foreach (var layer in g.Where(l => l.Layer.StartsWith("BatchNorm2d")))
            Assert.True(Math.Abs(layer.WeightMean!.Value - 1) < 0.01 && Math.Abs(layer.WeightStd!.Value - 0.02) < 0.005, layer.ToString());
        Assert.Null(g[2].WeightMean); // ReLU
    }

    [Fact]
    public void A_step_by_hand_is_the_first_step_of_a_training_run()
    {
        string root = TestData.TempDir("facade-step");
        string data = TestData.ImageFolder(8);
        using var images = TrainingImages.Open(data, imageSize: 32, cacheDirectory: Path.Combine(root, "cache"));
        Assert.Equal((8, 32, 3), (images.Count, images.ImageSize, images.Channels));
        var grid = images.Grid(count: 4, columns: 2);
        Assert.Equal((2 + 2 * 34, 2 + 2 * 34), (grid.Width, grid.Height));

        using var nets = GanNetworks.Create(seed: 5, imageSize: 32);
        var byHand = nets.Step(images, batchSize: 4);
        Assert.Equal(1, nets.StepsDone);
        var updates = new List<TrainingUpdate>();
        GanTraining.Train(new TrainingSettings
        {
            Data = data, OutputDirectory = Path.Combine(root, "run"), ImageSize = 32, BatchSize = 4, Seed = 5, MaxSteps = 1,
        }, onStep: updates.Add);
        var first = updates.Single();
        Assert.Equal((byHand.LossD, byHand.LossG, byHand.DOfReal, byHand.DOfFakeInDStep, byHand.DOfFakeInGStep),
            (first.LossD, first.LossG, first.DOfReal, first.DOfFakeInDStep, first.DOfFakeInGStep));

        // Saved as state_dicts, G loads here as any netG.pth does.
        nets.SaveState(Path.Combine(root, "saved"));
        using var saved = GanGenerator.Load(Path.Combine(root, "saved", "netG.pth"));
        Assert.Equal(32, saved.ImageSize);

        using var larger = GanNetworks.Create(imageSize: 64);
        Assert.Contains("the images are 32x32x3; these networks take 64x64x3",
            Assert.Throws<ArgumentException>(() => larger.Step(images)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainingImages.Open(data, imageSize: 48));
        Assert.Throws<ArgumentOutOfRangeException>(() => GanNetworks.Create(channels: 2));
    }
}
