using Dcgan.Models;
using static TorchSharp.torch;
using Generator = Dcgan.Models.Generator;

namespace Dcgan.Tests;

public class ModelTests
{
    private static long Count(nn.Module module) => module.parameters().Sum(p => p.numel());

    [Fact]
    public void Default_models_have_the_tutorials_parameter_counts()
    {
        using var g = new Generator(new ModelOptions());
        using var d = new Discriminator(new ModelOptions());
        Assert.Equal(3_576_704, Count(g));
        Assert.Equal(2_765_568, Count(d));
    }

    [Fact]
    public void State_dict_keys_are_the_tutorials()
    {
        using var g = new Generator(new ModelOptions());
        using var d = new Discriminator(new ModelOptions());
        string[] bn = ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"];
        var expectedG = new[] { 0, 3, 6, 9, 12 }.Select(i => $"main.{i}.weight")
            .Concat(new[] { 1, 4, 7, 10 }.SelectMany(i => bn.Select(k => $"main.{i}.{k}")));
        var expectedD = new[] { 0, 2, 5, 8, 11 }.Select(i => $"main.{i}.weight")
            .Concat(new[] { 3, 6, 9 }.SelectMany(i => bn.Select(k => $"main.{i}.{k}")));
        Assert.Equal(expectedG.Order(), g.state_dict().Keys.Order());
        Assert.Equal(expectedD.Order(), d.state_dict().Keys.Order());
    }

    [Theory]
    [InlineData(32, 1)]
    [InlineData(64, 3)]
    [InlineData(128, 3)]
    public void Shapes_follow_the_image_size(int size, int nc)
    {
        var options = new ModelOptions { ImageSize = size, Nc = nc, Ngf = 8, Ndf = 8, Nz = 16 };
        using var g = new Generator(options);
        using var d = new Discriminator(options);
        using var scope = NewDisposeScope();
        var images = g.forward(randn(2, 16, 1, 1));
        Assert.Equal(new long[] { 2, nc, size, size }, images.shape);
        Assert.True(images.abs().max().item<float>() <= 1f);
        var scores = d.forward(images);
        Assert.Equal(new long[] { 2 }, scores.shape);
        Assert.True(scores.min().item<float>() >= 0 && scores.max().item<float>() <= 1, "the tutorial's D ends with Sigmoid");
    }

    [Fact]
    public void Unsupported_sizes_and_channels_are_clear_errors()
    {
        var e = Assert.Throws<InputException>(() => new Generator(new ModelOptions { ImageSize = 48 }));
        Assert.Contains("imageSize must be one of 32, 64, 128", e.Message);
        e = Assert.Throws<InputException>(() => new Discriminator(new ModelOptions { Nc = 2 }));
        Assert.Contains("nc must be 1", e.Message);
    }

    [Fact]
    public void Logit_losses_drop_the_sigmoid_and_wgan_gp_drops_batchnorm()
    {
        using var logits = new Discriminator(new ModelOptions { Loss = LossKind.BceLogits });
        Assert.DoesNotContain(logits.modules(), m => m is TorchSharp.Modules.Sigmoid);
        Assert.Contains(logits.modules(), m => m is TorchSharp.Modules.BatchNorm2d);
        using var critic = new Discriminator(new ModelOptions { Loss = LossKind.WganGp });
        Assert.DoesNotContain(critic.modules(), m => m is TorchSharp.Modules.BatchNorm2d);
    }

    [Fact]
    public void Weights_init_follows_the_tutorial()
    {
        using var g = new Generator(new ModelOptions());
        using var random = new TorchSharp.torch.Generator(5);
        WeightInit.Apply(g, random);
        var sd = g.state_dict();
        var conv = sd["main.3.weight"]; // 512 x 256 x 4 x 4: two million draws
        Assert.InRange(conv.mean().item<float>(), -0.001, 0.001);
        Assert.InRange(conv.std().item<float>(), 0.0195, 0.0205);
        var bnWeight = sd["main.1.weight"];
        Assert.InRange(bnWeight.mean().item<float>(), 0.995, 1.005);
        Assert.InRange(bnWeight.std().item<float>(), 0.015, 0.025);
        Assert.Equal(0f, sd["main.1.bias"].abs().max().item<float>());
    }

    [Fact]
    public void Leaky_relu_generator_uses_leaky_relu()
    {
        using var g = new Generator(new ModelOptions { GeneratorActivation = GeneratorActivation.LeakyRelu });
        Assert.Equal(4, g.modules().Count(m => m is Dcgan.Models.LeakyReLU));
        Assert.DoesNotContain(g.modules(), m => m is TorchSharp.Modules.ReLU);
    }
}

public class WeightInitReproducibilityTests
{
    [Fact]
    public void The_same_generator_seed_gives_the_same_weights()
    {
        var options = new ModelOptions { Nz = 8, Ngf = 4, ImageSize = 32 };
        using var a = new Generator(options);
        using var b = new Generator(options);
        using (var random = new TorchSharp.torch.Generator(3)) WeightInit.Apply(a, random);
        using (var random = new TorchSharp.torch.Generator(3)) WeightInit.Apply(b, random);
        foreach (var key in a.state_dict().Keys)
            Assert.True(a.state_dict()[key].eq(b.state_dict()[key]).all().item<bool>(), key);
    }
}
