using Dcgan.Training;
using static TorchSharp.torch;
using TorchGenerator = TorchSharp.torch.Generator;

namespace Dcgan.Tests;

public class DiffAugmentTests
{
    [Fact]
    public void Translation_moves_content_by_at_most_an_eighth_and_fills_with_zeros()
    {
        // One bright pixel per image at (16, 16) of 32x32: after translation it is somewhere within 2 pixels, alone.
        using var x = zeros(8, 1, 32, 32);
        x[.., .., 16, 16] = tensor(1f);
        using var moved = DiffAugment.Apply(x, AugmentPolicy.Translation, new TorchGenerator(3));
        for (int i = 0; i < 8; i++)
        {
            var image = moved[i, 0];
            Assert.Equal(1f, image.sum().item<float>());
            long at = image.flatten().argmax().item<long>();
            Assert.InRange(Math.Abs(at / 32 - 16), 0, 2);
            Assert.InRange(Math.Abs(at % 32 - 16), 0, 2);
        }
        Assert.True(moved.ne(x).any().item<bool>(), "no image moved");
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
        Assert.Contains("'blur' is not an augmentation", Assert.Throws<ArgumentException>(() => DiffAugment.Parse("color,blur")).Message);
    }

    [Fact]
    public void An_augmented_run_resumes_bit_exactly_and_differs_from_a_plain_one()
    {
        string root = TestData.TempDir("augment");
        var options = TestData.TinyRun(root) with { Augment = AugmentPolicy.Color | AugmentPolicy.Translation | AugmentPolicy.Cutout };
        var (straight, resumed, resumedOptions) = TestData.StraightAndResumed(options);
        Assert.Equal(options.Augment, resumedOptions.Augment); // saved in the checkpoint's config
        var plain = new Trainer(options with { OutDir = Path.Combine(root, "plain"), Augment = AugmentPolicy.None }).Run(resume: false);

        static Tensor G(string checkpoint)
        {
            var g = new Models.Generator(Checkpoint.ReadOptions(checkpoint).Model);
            Checkpoint.LoadGenerator(checkpoint, g);
            return cat(g.parameters().Select(p => p.detach().flatten()).ToList(), 0);
        }
        Assert.True(G(straight).eq(G(resumed)).all().item<bool>(), "the resumed augmented run differs from the uninterrupted one");
        Assert.False(G(straight).eq(G(plain.LastCheckpoint!)).all().item<bool>(), "augmentation changed nothing");
    }
}
