using Dcgan.Benchmarks;
using Dcgan.Generation;
using Dcgan.Imaging;
using Dcgan.Models;
using Dcgan.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dcgan.Tests;

/// <summary>bf16 mixed precision: what stays fp32, what runs in bf16, exact resume, and auto's choice.</summary>
public class PrecisionTests
{
    private static Models.Generator TutorialGenerator(Precision precision)
    {
        var g = new Models.Generator(new ModelOptions()) { Precision = precision };
        WeightInit.Apply(g, new TorchSharp.torch.Generator(5));
        using (no_grad()) { g.train(); for (int i = 0; i < 3; i++) g.forward(randn(8, 100, 1, 1, generator: new TorchSharp.torch.Generator((ulong)i))); }
        g.eval();
        return g;
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    [Fact]
    public void Bf16_convolutions_change_the_arithmetic_not_the_result_and_hand_back_fp32()
    {
        using var scope = NewDisposeScope();
        using var fp32 = TutorialGenerator(Precision.Fp32);
        using var bf16 = TutorialGenerator(Precision.Fp32);
        bf16.Precision = Precision.Bf16;
        var z = randn(16, 100, generator: new TorchSharp.torch.Generator(9));
        using var noGrad = no_grad();
        var exact = fp32.forward(z);
        var mixed = bf16.forward(z);
        Assert.Equal(ScalarType.Float32, mixed.dtype);
        Assert.True(mixed.is_contiguous(), "the images come back in the usual layout");
        double difference = (exact - mixed).abs().max().item<float>();
        // bf16 keeps 8 bits of mantissa: the images differ (so bf16 ran), by far less than one 8-bit level's worth of tanh range.
        Assert.InRange(difference, 1e-5, 0.05);

        var d = new Discriminator(new ModelOptions()) { Precision = Precision.Bf16 };
        WeightInit.Apply(d, new TorchSharp.torch.Generator(6));
        var scores = d.forward(exact);
        Assert.Equal(ScalarType.Float32, scores.dtype);
        Assert.Equal([16L], scores.shape);
        d.Precision = Precision.Fp32;
        Assert.InRange((scores - d.forward(exact)).abs().max().item<float>(), 0, 0.02);
    }

    [Theory]
    [InlineData(nameof(LossKind.Bce), false)]
    [InlineData(nameof(LossKind.WganGp), false)]
    [InlineData(nameof(LossKind.Hinge), true)]
    public void A_bf16_step_keeps_weights_gradients_and_statistics_in_fp32(string lossName, bool spectralNorm)
    {
        var loss = Enum.Parse<LossKind>(lossName); // test data names it: the enum is internal
        using var scope = NewDisposeScope();
        var options = new TrainingOptions
        {
            BatchSize = 4, Seed = 3, Precision = Precision.Bf16, EmaDecay = 0.9, R1 = loss == LossKind.Bce ? 1 : 0,
            Augment = AugmentPolicy.Translation | AugmentPolicy.Cutout,
            Model = new ModelOptions { ImageSize = 32, Nz = 8, Ngf = 4, Ndf = 4, Loss = loss, SpectralNorm = spectralNorm },
        };
        using var gan = new GanPair(options, CPU);
        var real = rand(4, 3, 32, 32, generator: new TorchSharp.torch.Generator(1)).mul(2).sub(1);
        using var random = new TorchSharp.torch.Generator(2);
        var before = gan.Discriminator.parameters().Select(p => p.detach().clone()).ToList();
        var result = gan.Step(real, random, step: 0);
        Assert.True(double.IsFinite(result.LossD), $"loss D {result.LossD}");
        foreach (var net in new nn.Module[] { gan.Generator, gan.Discriminator, gan.GeneratorEma! })
        foreach (var (name, tensor) in net.state_dict())
            Assert.True(tensor.dtype is ScalarType.Float32 or ScalarType.Int64, $"{net.GetName()}.{name} is {tensor.dtype}");
        foreach (var p in gan.Discriminator.parameters()) Assert.Equal(ScalarType.Float32, p.grad!.dtype);
        Assert.Contains(gan.Discriminator.parameters().Zip(before), pair => !Same(pair.First.detach(), pair.Second)); // D learned
    }

    [Theory]
    [InlineData(nameof(LossKind.Bce))]
    [InlineData(nameof(LossKind.WganGp))]
    public void A_bf16_run_resumes_bit_exactly_records_its_precision_and_differs_from_fp32(string lossName)
    {
        var loss = Enum.Parse<LossKind>(lossName);
        string root = TestData.TempDir("bf16-resume");
        var options = TestData.TinyRun(root) with
        {
            Precision = Precision.Bf16, Augment = AugmentPolicy.Translation, // no --ema: its BatchNorm re-measuring takes a minute here
            Model = TestData.TinyRun(root).Model with { Loss = loss },
        };
        var (straight, resumed, resumedOptions) = TestData.StraightAndResumed(options);
        Assert.Equal(Precision.Bf16, resumedOptions.Precision);
        Assert.Contains("\"precision\": \"bf16\"", File.ReadAllText(Path.Combine(options.OutDir, "config.json")));
        Assert.True(Same(TestData.GeneratorWeights(straight), TestData.GeneratorWeights(resumed)), "G differs after a bf16 resume");
        Assert.True(Same(TestData.DiscriminatorState(straight), TestData.DiscriminatorState(resumed)), "D differs after a bf16 resume");

        // The same run in fp32 ends elsewhere (bf16 took effect), but not far (it is the same recipe).
        var fp32 = new Trainer(options with { OutDir = Path.Combine(root, "fp32"), Precision = Precision.Fp32 }).Run(resume: false);
        var (a, b) = (TestData.GeneratorWeights(fp32.LastCheckpoint!), TestData.GeneratorWeights(straight));
        Assert.False(Same(a, b), "bf16 and fp32 runs ended with identical weights: bf16 did not run");
        Assert.InRange((a - b).abs().max().item<float>(), 0, 0.01);

        // A checkpoint of a bf16 run is a plain fp32 state_dict, as PyTorch saves it.
        string exported = Path.Combine(root, "netG.pth");
        using (var g = new Models.Generator(options.Model))
        {
            Checkpoint.LoadGenerator(straight, g);
            Interop.PyTorchStateDict.Save(g, exported);
        }
        var state = Interop.PyTorchStateDict.Read(exported);
        Assert.All(state.Values, t => Assert.True(t.dtype is ScalarType.Float32 or ScalarType.Int64));
    }

    [Fact]
    public void An_old_runs_config_without_a_precision_reads_as_fp32()
    {
        string root = TestData.TempDir("old-config");
        var options = TestData.TinyRun(root) with { MaxSteps = 2 };
        var done = new Trainer(options).Run(resume: false);
        // config.json and the checkpoint's copy, as runs made before the setting existed wrote them.
        Assert.Equal(Precision.Fp32, Checkpoint.ReadOptions(done.LastCheckpoint!).Precision);
        var json = System.Text.Json.Nodes.JsonNode.Parse(DcganJson.Serialize(options))!.AsObject();
        Assert.True(json.Remove("precision"));
        Assert.Equal(Precision.Fp32, DcganJson.Deserialize<TrainingOptions>(json.ToJsonString(), "config").Precision);
    }

    [Fact]
    public void Bf16_sampling_is_independent_of_the_batch()
    {
        using var g = TutorialGenerator(Precision.Bf16);
        using var sampler = new ImageSampler(g);
        var seeds = Enumerable.Range(40, 13).Select(i => (long)i).ToList();
        var batch = sampler.RenderSeeds(seeds);
        foreach (int i in new[] { 0, 5, 12 }) Assert.Equal(sampler.RenderSeeds([seeds[i]])[0].Pixels, batch[i].Pixels);
        Assert.Equal(batch[7].Pixels, sampler.RenderSeeds([3, seeds[7]])[1].Pixels);
    }

    [Fact]
    public void Auto_picks_bf16_exactly_where_the_processor_lists_native_bf16()
    {
        // An independent reading of the same fact: the kernel's list of the processor's features.
        Assert.True(File.Exists("/proc/cpuinfo"), "this test reads Linux's /proc/cpuinfo");
        bool native = System.Text.RegularExpressions.Regex.IsMatch(File.ReadAllText("/proc/cpuinfo"), @"\b(avx512_bf16|amx_bf16)\b");
        Assert.Equal(native, PrecisionChoice.ProcessorHasNativeBf16);
        Assert.Equal(native ? Precision.Bf16 : Precision.Fp32, PrecisionChoice.Parse("auto"));
        Assert.Equal(Precision.Fp32, PrecisionChoice.Parse("FP32"));
        Assert.Equal(Precision.Bf16, PrecisionChoice.Parse(" bf16 "));
        var e = Assert.Throws<InputException>(() => PrecisionChoice.Parse("fp16", "--precision"));
        Assert.Equal("--precision: 'fp16' is not a precision; give fp32, bf16 or auto", e.Message);
    }

    [Fact]
    public void The_flop_counts_match_the_layers_shapes()
    {
        // Counted directly from each convolution's weight and output shapes in a real forward pass.
        var options = new ModelOptions();
        using var scope = NewDisposeScope();
        double Counted(nn.Module<Tensor, Tensor> net, Tensor input, bool transposed)
        {
            double flop = 0;
            var x = input;
            foreach (var layer in net.children().Single().children().Cast<nn.Module<Tensor, Tensor>>())
            {
                var y = layer.forward(x);
                if (layer is Convolution c)
                {
                    var w = c.weight!.shape; // conv: [out, in, k, k]; transposed: [in, out, k, k]
                    long pixels = transposed && c is ConvTranspose2d ? x.shape[2] * x.shape[3] : y.shape[2] * y.shape[3];
                    flop += 2.0 * pixels * w[0] * w[1] * w[2] * w[3];
                }
                else if (layer is ResizeConvolution r) // a 3x3 convolution at the output's size
                    flop += 2.0 * y.shape[2] * y.shape[3] * r.Convolution.weight!.shape.Aggregate(1L, (a, b) => a * b);
                x = y;
            }
            return flop;
        }
        using var g = new Models.Generator(options);
        using var d = new Discriminator(options);
        Assert.Equal(Counted(g, zeros(2, 100, 1, 1), transposed: true), NetworkFlops.GeneratorForward(options));
        Assert.Equal(Counted(d, zeros(2, 3, 64, 64), transposed: false), NetworkFlops.DiscriminatorForward(options));
        Assert.InRange(NetworkFlops.TrainingStepPerImage(options) / 1e9, 2.4, 2.6); // docs/performance.md's 2.5
        var resized = options with { GeneratorResizeConvolutions = 2 };
        using var resizedG = new Models.Generator(resized);
        Assert.Equal(Counted(resizedG, zeros(2, 100, 1, 1), transposed: true), NetworkFlops.GeneratorForward(resized));
    }

    [Fact]
    public void A_generator_frozen_for_drawing_draws_the_same_floats_and_sees_weights_only_when_frozen_again()
    {
        using var g = TutorialGenerator(Precision.Bf16);
        g.eval();
        using var z = Latent.LatentSampler.ForSeeds([1, 2, 3, 4, 5, 6, 7, 8], 100);
        using var noGrad = no_grad();
        using var perCall = g.forward(z);
        g.FreezeForDrawing();
        using var frozen = g.forward(z);
        Assert.True(perCall.eq(frozen).all().item<bool>(), "the frozen bf16 weights changed the images");
        // Frozen weights are copies: a weight changed afterwards is not seen until frozen again (why only loaded models freeze).
        var first = (TorchSharp.Modules.ConvTranspose2d)g.Layers[0];
        first.weight!.mul_(2);
        using var stale = g.forward(z);
        Assert.True(stale.eq(frozen).all().item<bool>());
        g.FreezeForDrawing();
        using var fresh = g.forward(z);
        Assert.False(fresh.eq(frozen).all().item<bool>());
    }

    [Fact]
    public void The_bench_reports_the_median_of_its_timed_repeats()
    {
        // One repeat slowed by a neighbour moves the mean by two fifths here (2.8); the median not at all.
        Assert.Equal(2.0, Benchmark.Median([2.0, 2.1, 6.0, 1.9, 2.0]));
        Assert.Equal(2.5, Benchmark.Median([4.0, 1.0, 3.0, 2.0]));
        Assert.Equal(7.0, Benchmark.Median([7.0]));
    }
}
