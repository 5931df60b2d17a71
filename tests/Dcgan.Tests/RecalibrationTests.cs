using Dcgan.Training;
using Dcgan.Latent;
using Dcgan.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dcgan.Tests;

public class RecalibrationTests
{
    [Fact]
    public void Recalibration_measures_the_first_batchnorms_mean_over_the_prior_and_leaves_weights_alone()
    {
        var g = new Models.Generator(new ModelOptions { Nz = 8, Ngf = 4, ImageSize = 32 });
        WeightInit.Apply(g, new TorchSharp.torch.Generator(2));
        var weightsBefore = g.state_dict().Where(kv => kv.Key.EndsWith("weight")).ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var firstNorm = g.modules().OfType<BatchNorm2d>().First();
        double? momentum = firstNorm.momentum;

        BatchNormRecalibration.Apply(g, samples: 256, batchSize: 64, seed: 3);

        // The same latents, drawn again: the first BatchNorm's input is main.0's output; its per-channel mean over all
        // samples is what the cumulative average of four equal batches must hold.
        using var random = new TorchSharp.torch.Generator(Data.SeedMixer.Mix(3, Data.RandomStream.BatchNormRecalibration));
        var z = cat(Enumerable.Range(0, 4).Select(_ => LatentSampler.Draw(64, 8, LatentPrior.Normal, random)).ToList(), 0);
        using (no_grad())
        {
            var first = ((ConvTranspose2d)g.modules().OfType<ConvTranspose2d>().First()).forward(z);
            var expected = first.mean([0, 2, 3]);
            Assert.True(firstNorm.running_mean!.allclose(expected, rtol: 1e-4, atol: 1e-6));
        }
        Assert.Equal(momentum, firstNorm.momentum);
        Assert.False(g.training);
        foreach (var (key, before) in weightsBefore) Assert.True(g.state_dict()[key].eq(before).all().item<bool>(), key);
    }

    [Fact]
    public void The_recalibrate_command_writes_a_pth_that_serves()
    {
        string root = TestData.TempDir("recal");
        string pth = Path.Combine(root, "netG-recalibrated.pth");
        string fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "pytorch", "netG.pth");
        var (code, output, err) = CliTests.Run("recalibrate", "--checkpoint", fixture, "--samples", "128", "--out", pth);
        Assert.True(code == 0, err);
        Assert.Contains("re-measured over 128 latents", output);
        Assert.Equal(0, CliTests.Run("sample", "--checkpoint", pth, "--n", "2", "--out", Path.Combine(root, "grid.png")).Code);
        Assert.Contains("--out must end in .pth",
            CliTests.Run("recalibrate", "--checkpoint", fixture, "--out", Path.Combine(root, "x.ckpt")).Err);
    }

    [Fact]
    public void Train_mode_sampling_uses_the_batchs_statistics_and_leaves_the_served_model_unchanged()
    {
        var g = new Models.Generator(new ModelOptions { Nz = 8, Ngf = 4, ImageSize = 32 });
        WeightInit.Apply(g, new TorchSharp.torch.Generator(2));
        using var sampler = new Generation.ImageSampler(g);
        var z = LatentSampler.ForSeeds([0, 1, 2, 3, 4, 5, 6, 7], 8, LatentPrior.Normal);
        var evalBefore = sampler.Generate(z);
        var buffersBefore = g.named_buffers().ToDictionary(b => b.name, b => b.buffer.clone());

        var trainMode = sampler.GenerateInTrainMode(z);
        var firstHalfAlone = sampler.GenerateInTrainMode(z[..4]);

        // Untrained running statistics (mean 0, variance 1) are far from the batch's: the modes must differ, and in
        // train mode an image depends on the rest of its batch.
        Assert.False(trainMode.allclose(evalBefore, atol: 1e-3));
        Assert.False(trainMode[..4].allclose(firstHalfAlone, atol: 1e-4));
        Assert.False(g.training);
        foreach (var (name, buffer) in g.named_buffers()) Assert.True(buffer.eq(buffersBefore[name]).all().item<bool>(), name);
        Assert.True(sampler.Generate(z).eq(evalBefore).all().item<bool>());
        Assert.Throws<InputException>(() => sampler.GenerateInTrainMode(z[..1]));
    }
}
