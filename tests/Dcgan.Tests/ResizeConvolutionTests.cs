using System.Globalization;
using Dcgan.Export;
using Dcgan.Generation;
using Dcgan.Interop;
using Dcgan.Latent;
using Dcgan.Models;
using static TorchSharp.torch;

namespace Dcgan.Tests;

/// <summary>G's resize + convolution layers (--g-resize-conv): PyTorch's keys and arithmetic, loading, ONNX, both precisions.</summary>
public class ResizeConvolutionTests
{
    private static readonly ModelOptions TwoResized = new() { ImageSize = 32, GeneratorResizeConvolutions = 2 };

    private static Models.Generator Initialised(ModelOptions options)
    {
        var generator = new Models.Generator(options);
        WeightInit.Apply(generator, new TorchSharp.torch.Generator(7));
        generator.eval();
        return generator;
    }

    [Fact]
    public void The_last_layers_are_resize_and_convolution_under_pytorchs_sequential_keys()
    {
        using var generator = Initialised(TwoResized);
        var shapes = generator.state_dict().Where(kv => kv.Key.EndsWith(".weight") && kv.Value.dim() == 4)
            .ToDictionary(kv => kv.Key, kv => string.Join("x", kv.Value.shape));
        // 32 px: main.3 stays a transposed convolution; main.6 and main.9 double the side by resizing.
        Assert.Equal(new Dictionary<string, string>
        {
            ["main.0.weight"] = "100x256x4x4", ["main.3.weight"] = "256x128x4x4",
            ["main.6.1.weight"] = "64x128x3x3", ["main.9.1.weight"] = "3x64x3x3",
        }, shapes);
        using var noGrad = no_grad();
        Assert.Equal([2, 3, 32, 32], generator.forward(randn(2, 100)).shape);
        Assert.Contains("Upsample(scale_factor=2.0, mode='nearest')", LayerText.Of(generator.Layers[9]));
    }

    [Fact]
    public void Pytorch_loads_the_state_dict_into_upsample_and_conv2d_and_draws_the_same_images()
    {
        string dir = TestData.TempDir("resize-pytorch");
        string path = Path.Combine(dir, "netG.pth");
        using var generator = Initialised(TwoResized);
        PyTorchStateDict.Save(generator, path);
        using var noGrad = no_grad();
        var z = LatentSampler.ForSeeds([0, 1, 2], 100);
        var ours = generator.forward(z).flatten().data<float>().ToArray();
        string output = TestData.PyTorch($$"""
            import torch, torch.nn as nn
            def up(i, o): return [nn.ConvTranspose2d(i, o, 4, 2, 1, bias=False), nn.BatchNorm2d(o), nn.ReLU(True)]
            def resize(i, o): return nn.Sequential(nn.Upsample(scale_factor=2, mode='nearest'), nn.Conv2d(i, o, 3, 1, 1, bias=False))
            main = nn.Sequential(nn.ConvTranspose2d(100, 256, 4, 1, 0, bias=False), nn.BatchNorm2d(256), nn.ReLU(True),
                                 *up(256, 128), resize(128, 64), nn.BatchNorm2d(64), nn.ReLU(True), resize(64, 3), nn.Tanh())
            g = nn.Module(); g.main = main
            g.load_state_dict(torch.load('{{path}}'), strict=True)
            g.eval()
            z = []
            for s in range(3):
                torch.manual_seed(s); z.append(torch.randn(1, 100, 1, 1))
            with torch.no_grad(): x = g.main(torch.cat(z)).flatten()
            print(' '.join(f'{v:.8f}' for v in x.tolist()))
            """);
        var theirs = output.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(ours.Length, theirs.Length);
        Assert.True(ours.Zip(theirs, (a, b) => Math.Abs(a - b)).Max() < 1e-5, "PyTorch's images differ from ours");
    }

    [Fact]
    public void A_pth_with_resize_layers_loads_as_such_and_exports_to_onnx_that_onnx_runtime_agrees_with()
    {
        string path = Path.Combine(TestData.TempDir("resize-load"), "netG.pth");
        using (var generator = Initialised(TwoResized)) PyTorchStateDict.Save(generator, path);
        var options = PyTorchStateDict.InferGeneratorOptions(PyTorchStateDict.Read(path), path);
        Assert.Equal(2, options.GeneratorResizeConvolutions);
        Assert.Equal((64, 3, 32), (options.Ngf, options.Nc, options.ImageSize));
        using var model = LoadedModel.Open(path);
        var (_, check) = OnnxCheck.CheckedExport(model);
        Assert.True(check.MaxLevelDifference <= 1, $"ONNX Runtime's images differ by up to {check.MaxLevelDifference} levels");
    }

    [Fact]
    public void Weights_nested_another_way_are_refused_naming_the_key_not_taken_for_resize_layers()
    {
        var state = new Dictionary<string, Tensor>
        {
            ["main.0.weight"] = zeros(100, 256, 4, 4), ["main.3.0.weight"] = zeros(256, 128, 4, 4), ["main.6.weight"] = zeros(128, 3, 4, 4),
        };
        var error = Assert.Throws<InvalidDataException>(() => PyTorchStateDict.InferGeneratorOptions(state, "odd.pth"));
        Assert.Contains("key 'main.3.0.weight'", error.Message);
        Assert.Contains("main.i.1.weight [out, in, 3, 3]", error.Message);
    }

    [Fact]
    public void Bf16_runs_the_resize_convolutions_in_bf16_close_to_fp32()
    {
        using var generator = Initialised(TwoResized);
        using var noGrad = no_grad();
        var z = LatentSampler.ForSeeds([3, 4], 100);
        var fp32 = generator.forward(z);
        generator.Precision = Precision.Bf16;
        var bf16 = generator.forward(z);
        Assert.Equal(ScalarType.Float32, bf16.dtype);
        double difference = (bf16 - fp32).abs().max().item<float>();
        Assert.InRange(difference, 1e-6, 0.1); // bf16 arithmetic (not fp32's), but the same images
    }

    [Fact]
    public void A_run_with_resize_layers_saves_them_in_its_config_and_resumes_bit_exactly_in_both_precisions()
    {
        foreach (var precision in new[] { Precision.Fp32, Precision.Bf16 })
        {
            var tiny = TestData.TinyRun(TestData.TempDir($"resize-run-{precision}"));
            var options = tiny with { Precision = precision, Model = tiny.Model with { GeneratorResizeConvolutions = 1 } };
            var (straight, resumed, resumedOptions) = TestData.StraightAndResumed(options);
            Assert.Equal(1, resumedOptions.Model.GeneratorResizeConvolutions);
            Assert.Equal(1, Training.Checkpoint.ReadOptions(straight).Model.GeneratorResizeConvolutions);
            Assert.True(TestData.GeneratorWeights(straight).eq(TestData.GeneratorWeights(resumed)).all().item<bool>(), $"{precision}: resume is not bit-exact");
        }
    }

    [Fact]
    public void More_resize_layers_than_the_generator_has_are_refused_by_name()
    {
        var error = Assert.Throws<InputException>(() => new ModelOptions { ImageSize = 32, GeneratorResizeConvolutions = 4 }.Validate());
        Assert.Contains("gResizeConv", error.Message);
        Assert.Contains("between 0 and 3", error.Message);
    }
}
