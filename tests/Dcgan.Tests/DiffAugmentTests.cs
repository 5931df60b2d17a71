using Dcgan.Training;
using static TorchSharp.torch;
using TorchGenerator = TorchSharp.torch.Generator;

namespace Dcgan.Tests;

public class DiffAugmentTests
{
    [Theory]
    [InlineData(DiffAugment.TranslationRatio, 4)]       // the paper's 1/8: up to 4 pixels at 32x32
    [InlineData(DiffAugment.LegacyTranslationRatio, 2)] // the shift of runs saved before it was a setting
    public void Translation_moves_content_by_at_most_the_ratio_and_fills_with_zeros(double ratio, int maxShift)
    {
        // One bright pixel per image at (16, 16) of 32x32: after translation it is somewhere within maxShift pixels, alone.
        using var x = zeros(64, 1, 32, 32);
        x[.., .., 16, 16] = tensor(1f);
        using var moved = DiffAugment.Apply(x, AugmentPolicy.Translation, new TorchGenerator(3), translationRatio: ratio);
        var shifts = new HashSet<long>();
        for (int i = 0; i < 64; i++)
        {
            var image = moved[i, 0];
            Assert.Equal(1f, image.sum().item<float>());
            long at = image.flatten().argmax().item<long>();
            Assert.InRange(Math.Abs(at / 32 - 16), 0, maxShift);
            Assert.InRange(Math.Abs(at % 32 - 16), 0, maxShift);
            shifts.Add(at / 32 - 16);
        }
        Assert.Contains((long)maxShift, shifts.Select(Math.Abs)); // the whole range is used, not a smaller one
    }

    [Fact]
    public void A_checkpoint_saved_before_the_translation_setting_resumes_with_the_shift_it_trained_with()
    {
        string root = TestData.TempDir("augment-legacy");
        var options = TestData.TinyRun(root) with { Augment = AugmentPolicy.Translation };
        var run = new Trainer(options).Run(resume: false);
        Assert.Equal(DiffAugment.TranslationRatio, Checkpoint.ReadOptions(run.LastCheckpoint!).AugmentTranslation);

        // The same checkpoint as an older build wrote it: config.json without "augmentTranslation".
        string legacy = Path.Combine(root, "legacy.ckpt");
        File.Copy(run.LastCheckpoint!, legacy);
        using (var zip = System.IO.Compression.ZipFile.Open(legacy, System.IO.Compression.ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry("config.json")!;
            string json;
            using (var reader = new StreamReader(entry.Open())) json = reader.ReadToEnd();
            var config = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
            Assert.True(config.Remove("augmentTranslation"));
            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry("config.json").Open());
            writer.Write(config.ToJsonString());
        }
        Assert.Equal(DiffAugment.LegacyTranslationRatio, Checkpoint.ReadOptions(legacy).AugmentTranslation);
        Checkpoint.ReadOptions(legacy).Validate();
    }

    [Fact]
    public void The_translation_strength_is_checked_and_needs_the_translation()
    {
        var plain = TestData.TinyRun(TestData.TempDir("augment-translation-bad"));
        Assert.Contains("name it too", Assert.Throws<InputException>(() =>
            (plain with { Augment = AugmentPolicy.Cutout, AugmentTranslation = 0.25 }).Validate()).Message);
        Assert.Contains("(0, 0.5]", Assert.Throws<InputException>(() =>
            (plain with { Augment = AugmentPolicy.Translation, AugmentTranslation = 0.9 }).Validate()).Message);
        (plain with { Augment = AugmentPolicy.Translation, AugmentTranslation = 0.25 }).Validate();
    }

    [Fact]
    public void Cutout_zeros_one_square_of_half_the_size_at_most()
    {
        using var x = ones(16, 3, 32, 32);
        using var cut = DiffAugment.Apply(x, AugmentPolicy.Cutout, new TorchGenerator(4));
        for (int i = 0; i < 16; i++)
        {
            long zeroed = cut[i, 0].eq(0).sum().item<long>();
            Assert.InRange(zeroed, 1, 16 * 16);
            Assert.True(cut[i].eq(0).all(0).sum().item<long>() == zeroed, "the same pixels in every channel");
        }
        Assert.Contains(Enumerable.Range(0, 16), i => cut[i, 0].eq(0).sum().item<long>() == 256); // some squares lie fully inside
    }

    [Fact]
    public void Augmentation_is_differentiable_deterministic_per_generator_and_parsed_by_name()
    {
        using var x = rand(4, 3, 16, 16).mul(2).sub(1).requires_grad_(true);
        var all = AugmentPolicy.Color | AugmentPolicy.Translation | AugmentPolicy.Cutout;
        var y = DiffAugment.Apply(x, all, new TorchGenerator(7));
        y.square().sum().backward();
        Assert.True(x.grad!.abs().sum().item<float>() > 0, "no gradient reaches the images");
        using (no_grad())
        {
            Assert.True(DiffAugment.Apply(x, all, new TorchGenerator(7)).eq(y.detach()).all().item<bool>());
            Assert.False(DiffAugment.Apply(x, all, new TorchGenerator(8)).eq(y.detach()).all().item<bool>());
        }
        Assert.Equal(all, DiffAugment.Parse("color, translation,cutout"));
        Assert.Equal("color,cutout", DiffAugment.Name(DiffAugment.Parse("cutout,color")));
        Assert.Contains("'blur' is not an augmentation", Assert.Throws<InputException>(() => DiffAugment.Parse("color,blur")).Message);
    }

    [Fact]
    public void An_augmented_run_resumes_bit_exactly_and_differs_from_a_plain_one()
    {
        string root = TestData.TempDir("augment");
        var options = TestData.TinyRun(root) with { Augment = AugmentPolicy.Color | AugmentPolicy.Translation | AugmentPolicy.Cutout };
        var (straight, resumed, resumedOptions) = TestData.StraightAndResumed(options);
        Assert.Equal(options.Augment, resumedOptions.Augment); // saved in the checkpoint's config
        var plain = new Trainer(options with { OutDir = Path.Combine(root, "plain"), Augment = AugmentPolicy.None }).Run(resume: false);
        Assert.True(TestData.GeneratorWeights(straight).eq(TestData.GeneratorWeights(resumed)).all().item<bool>(), "the resumed augmented run differs from the uninterrupted one");
        Assert.False(TestData.GeneratorWeights(straight).eq(TestData.GeneratorWeights(plain.LastCheckpoint!)).all().item<bool>(), "augmentation changed nothing");
    }

    [Fact]
    public void R1_takes_the_gradient_of_augmented_reals_whatever_their_memory_layout()
    {
        // Translation hands D a permuted, non-contiguous batch; R1 on it crashed a run with --augment translation --r1.
        using var d = new Models.Discriminator(new Models.ModelOptions { ImageSize = 32, Ndf = 4 });
        using var images = rand(4, 3, 32, 32, generator: new TorchGenerator(1)).mul(2).sub(1);
        using var translated = DiffAugment.Apply(images, AugmentPolicy.Translation, new TorchGenerator(2));
        Assert.False(translated.is_contiguous());
        float penalty = Losses.R1Penalty(d, translated).item<float>();
        Assert.True(penalty > 0 && float.IsFinite(penalty), $"R1 {penalty}");
        Assert.Equal(Losses.R1Penalty(d, translated.contiguous()).item<float>(), penalty, penalty * 1e-5); // layouts may pick other kernels
    }

    [Fact]
    public void An_augmented_run_with_r1_resumes_bit_exactly_and_differs_from_one_without()
    {
        string root = TestData.TempDir("augment-r1");
        var options = TestData.TinyRun(root) with { Augment = AugmentPolicy.Translation | AugmentPolicy.Cutout, R1 = 1 };
        var (straight, resumed, resumedOptions) = TestData.StraightAndResumed(options);
        Assert.Equal(1, resumedOptions.R1);
        var withoutR1 = new Trainer(options with { OutDir = Path.Combine(root, "no-r1"), R1 = 0 }).Run(resume: false);
        Assert.True(TestData.DiscriminatorState(straight).eq(TestData.DiscriminatorState(resumed)).all().item<bool>(), "the resumed run differs from the uninterrupted one");
        Assert.False(TestData.DiscriminatorState(straight).eq(TestData.DiscriminatorState(withoutR1.LastCheckpoint!)).all().item<bool>(), "R1 changed nothing");
    }
}
