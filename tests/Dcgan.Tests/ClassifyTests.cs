using Dcgan.Data;
using Dcgan.Generation;
using Dcgan.Latent;
using Dcgan.Models;
using Dcgan.Training;
using static TorchSharp.torch;

namespace Dcgan.Tests;

public class ClassifyTests
{
    [Fact]
    public void Emoji_labels_json_gives_both_sides_and_groups_skin_tone_variants()
    {
        const string json = """
            [{"file":"1f468.png","gender":"man","skin_tone":"none"},{"file":"1f468-1f3fb.png","gender":"man","skin_tone":"light"},
             {"file":"1f469-1f3ff.png","gender":"woman","skin_tone":"dark"},{"file":"1f9d1.png","gender":"neutral","skin_tone":"none"}]
            """;
        var manVsWoman = ImageLabels.FromLabelsJson(json, "gender=man", "gender=woman");
        Assert.True(manVsWoman.For("1f468-1f3fb.png"));
        Assert.False(manVsWoman.For("1f469-1f3ff.png"));
        Assert.Null(manVsWoman.For("1f9d1.png")); // neither side
        var manVsRest = ImageLabels.FromLabelsJson(json, "gender=man", null);
        Assert.False(manVsRest.For("1f9d1.png"));
        Assert.Equal(manVsWoman.GroupOf("1f468.png"), manVsWoman.GroupOf("1f468-1f3fb.png"));
        Assert.Contains("no field 'age'",
            Assert.Throws<InputException>(() => ImageLabels.FromLabelsJson(json, "age=old", null)).Message);
        Assert.Contains("field=value", Assert.Throws<InputException>(() => ImageLabels.FromLabelsJson(json, "man", null)).Message);
    }

    [Fact]
    public void Idx_class_labels_and_celeba_columns_become_binary_labels()
    {
        var idx = ImageLabels.FromIdx([3, 1, 3, 7], "class=3", null);
        Assert.True(idx.For("000000"));
        Assert.False(idx.For("000003"));
        var pair = ImageLabels.FromIdx([3, 1, 3, 7], "class=3", "class=7");
        Assert.Null(pair.For("000001"));
        string path = Path.Combine(TestData.TempDir("celeba"), "list_attr_celeba.txt");
        File.WriteAllText(path, "2\nMale Smiling\n000001.jpg 1 -1\n000002.jpg -1 1\n");
        var celeba = ImageLabels.FromCeleba(CelebaAttributes.Read(path), "Smiling",
            ["img_align_celeba/000001.jpg", "img_align_celeba/000002.jpg"]);
        Assert.False(celeba.For("img_align_celeba/000001.jpg"));
        Assert.True(celeba.For("img_align_celeba/000002.jpg"));
    }

    /// <summary>
    /// Real images are a tiny G's own outputs, labelled bright or dark by their mean: the classifier must learn that
    /// from pixels, label the generated images of the same seeds, and the fitted vector must raise brightness.
    /// </summary>
    [Fact]
    public void Auto_labelling_learns_a_visible_attribute_and_fits_a_vector_that_moves_it()
    {
        string root = TestData.TempDir("classify");
        var options = new ModelOptions { Nz = 8, Ngf = 8, Nc = 1, ImageSize = 32 };
        var g = new Models.Generator(options);
        WeightInit.Apply(g, new TorchSharp.torch.Generator(4));
        // Running statistics measured over many z (as training leaves them), so eval-mode images vary with z.
        // The last layer scaled up so the images differ visibly (at init they are all near-grey).
        using (no_grad()) { g.train(); for (int i = 0; i < 30; i++) g.forward(randn(64, 8, 1, 1)); g.parameters().Last().mul_(40); }
        var trainOptions = new TrainingOptions { Model = options };
        var optimizers = (optim.Adam(g.parameters()), optim.Adam(g.parameters()));
        string checkpoint = Path.Combine(root, "model.ckpt");
        var d = new Discriminator(options);
        Checkpoint.Save(checkpoint, trainOptions, new CheckpointState(0, 0, "", DateTimeOffset.UtcNow), g, d, optimizers.Item1,
            optimizers.Item2);

        using var model = LoadedModel.Open(checkpoint);
        var seeds = Enumerable.Range(0, 400).Select(i => (long)i).ToList();
        using var images = model.Sampler.Generate(model.LatentsFor(seeds));
        var brightness = images.mean([1, 2, 3]).data<float>().ToArray();
        float median = brightness.Order().ElementAt(200);
        string idx = Path.Combine(root, "train-images-idx3-ubyte");
        IdxFile.WriteImages(idx, 32, 32, Imaging.PixelConverter.ToByteTensor(images).data<byte>().ToArray());
        var labels = ImageLabels.FromIdx(brightness.Select(b => (byte)(b > median ? 1 : 0)).ToArray(), "class=1", null);

        using var cache = PixelCache.Open(DataSource.Resolve(idx), 32, 1, Path.Combine(root, "cache"));
        var result = AutoLabeller.Run(model, cache, labels,
            new AutoLabelOptions("bright", Count: 200, FirstSeed: 1000, Confidence: 0.7, Epochs: 12));
        Assert.True(result.Classifier.HeldOutAccuracy > 0.8, $"classifier held-out accuracy {result.Classifier.HeldOutAccuracy}");
        Assert.True(result.With.Count >= 10 && result.Without.Count >= 10, $"{result.With.Count} with, {result.Without.Count} without");

        // Moving along the vector makes the images brighter on average.
        using var z = model.LatentsFor(Enumerable.Range(5000, 32).Select(i => (long)i).ToList());
        using var brighter = LatentMath.Edit(z, [(result.Vector.ToTensor(), 1.0)]);
        double before = model.Sampler.Generate(z).mean().item<float>(), after = model.Sampler.Generate(brighter).mean().item<float>();
        Assert.True(after > before, $"mean brightness {before} -> {after}");

        // Labels the pixels cannot show (the parity of the image's index): the classifier is at chance, and the command refuses.
        var noise = ImageLabels.FromIdx(Enumerable.Range(0, 400).Select(i => (byte)(i % 2)).ToArray(), "class=1", null);
        var refused = Assert.Throws<InputException>(() =>
            AutoLabeller.Run(model, cache, noise, new AutoLabelOptions("parity", Count: 200, FirstSeed: 1000, Confidence: 0.5, Epochs: 4)));
        Assert.Contains("the classifier is at chance for this attribute", refused.Message);
        Assert.Contains("add force to use it anyway", refused.Message); // the command words it --force
    }
}
