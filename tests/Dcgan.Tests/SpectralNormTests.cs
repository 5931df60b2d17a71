using System.Diagnostics;
using System.Text.Json;
using Dcgan.Interop;
using Dcgan.Models;
using Dcgan.Training;
using static TorchSharp.torch;

namespace Dcgan.Tests;

public class SpectralNormTests
{
    [Fact]
    public void The_weight_is_divided_by_its_largest_singular_value_as_the_power_iteration_converges()
    {
        var conv = new SpectralNormConv2d(3, 8, 4, 2, 1);
        conv.Initialise(new TorchSharp.torch.Generator(5));
        conv.train();
        using var x = randn(2, 3, 16, 16);
        for (int i = 0; i < 50; i++) conv.forward(x).Dispose();
        var matrix = conv.WeightOrig.detach().reshape(8, -1);
        double largest = linalg.svdvals(matrix)[0].item<float>();
        Assert.Equal(largest, conv.Sigma().item<float>(), 3);
        Assert.Equal(1.0, linalg.svdvals(matrix.div(conv.Sigma()))[0].item<float>(), 3);
        Assert.Equal(["weight_orig", "weight_u", "weight_v"], conv.state_dict().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_run_with_spectral_norm_and_r1_resumes_bit_exactly()
    {
        var plain = TestData.TinyRun(TestData.TempDir("sn"));
        var options = plain with { R1 = 10, Model = plain.Model with { SpectralNorm = true } };
        var (straight, resumed, resumedOptions) = TestData.StraightAndResumed(options);
        Assert.True(resumedOptions.Model.SpectralNorm);
        Assert.Equal(10, resumedOptions.R1);
        Assert.True(TestData.DiscriminatorState(straight).eq(TestData.DiscriminatorState(resumed)).all().item<bool>(), "D (weights and u, v) differs after resume");
    }

    [Fact]
    public void Exported_networks_load_strictly_in_pytorch_and_compute_the_same_outputs()
    {
        // A D with spectral norm and a G, as a run writes them, exported, then loaded by PyTorch's own modules with
        // strict key matching (D's convolutions wrapped in torch.nn.utils.spectral_norm) and run on the same inputs.
        var options = new ModelOptions { ImageSize = 32, Nz = 8, Ngf = 4, Ndf = 4, SpectralNorm = true };
        var g = new Models.Generator(options);
        var d = new Discriminator(options);
        using (var random = new TorchSharp.torch.Generator(3)) { WeightInit.Apply(g, random); WeightInit.Apply(d, random); }
        using (no_grad())
        {
            g.train(); d.train();
            // statistics and u, v move
            for (int i = 0; i < 3; i++) { g.forward(randn(8, 8, 1, 1)); d.forward(rand(8, 3, 32, 32).mul(2).sub(1)); }
        }
        g.eval(); d.eval();
        string dir = TestData.TempDir("export");
        PyTorchStateDict.Save(g, Path.Combine(dir, "netG.pth"));
        PyTorchStateDict.Save(d, Path.Combine(dir, "netD.pth"));
        // Given where a generator belongs, the file is named as the discriminator it is.
        Assert.Contains("holds a discriminator with spectral normalisation (netD: key 'main.0.weight_orig')",
            Assert.Throws<InvalidDataException>(() => PyTorchStateDict.LoadGenerator(Path.Combine(dir, "netD.pth"))).Message);
        using var z = linspace(-2, 2, 2 * 8).reshape(2, 8, 1, 1);
        using var x = linspace(-3, 3, 2 * 3 * 32 * 32).sin().reshape(2, 3, 32, 32);
        float[] ours, oursD;
        using (no_grad()) { ours = g.forward(z).flatten().data<float>().ToArray(); oursD = d.forward(x).flatten().data<float>().ToArray(); }

        string output = TestData.PyTorch($$"""
            import json, torch, torch.nn as nn
            SN = nn.utils.spectral_norm
            class G(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.main = nn.Sequential(
                        nn.ConvTranspose2d(8, 16, 4, 1, 0, bias=False), nn.BatchNorm2d(16), nn.ReLU(True),
                        nn.ConvTranspose2d(16, 8, 4, 2, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU(True),
                        nn.ConvTranspose2d(8, 4, 4, 2, 1, bias=False), nn.BatchNorm2d(4), nn.ReLU(True),
                        nn.ConvTranspose2d(4, 3, 4, 2, 1, bias=False), nn.Tanh())
            class D(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.main = nn.Sequential(
                        SN(nn.Conv2d(3, 4, 4, 2, 1, bias=False)), nn.LeakyReLU(0.2, inplace=True),
                        SN(nn.Conv2d(4, 8, 4, 2, 1, bias=False)), nn.BatchNorm2d(8), nn.LeakyReLU(0.2, inplace=True),
                        SN(nn.Conv2d(8, 16, 4, 2, 1, bias=False)), nn.BatchNorm2d(16), nn.LeakyReLU(0.2, inplace=True),
                        SN(nn.Conv2d(16, 1, 4, 1, 0, bias=False)), nn.Sigmoid())
            g, d = G(), D()
            g.load_state_dict(torch.load('{{dir}}/netG.pth'), strict=True)
            d.load_state_dict(torch.load('{{dir}}/netD.pth'), strict=True)
            g.eval(); d.eval()
            with torch.no_grad():
                z = torch.linspace(-2, 2, 16).reshape(2, 8, 1, 1)
                x = torch.linspace(-3, 3, 2 * 3 * 32 * 32).sin().reshape(2, 3, 32, 32)
                print(json.dumps({'g': g.main(z).flatten().tolist(), 'd': d.main(x).flatten().tolist()}))
            """);
        using var answer = JsonDocument.Parse(output);
        var theirs = answer.RootElement.GetProperty("g").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        var theirsD = answer.RootElement.GetProperty("d").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(ours.Length, theirs.Length);
        Assert.True(ours.Zip(theirs).Max(p => Math.Abs(p.First - p.Second)) < 1e-5, "G's outputs differ between this program and PyTorch");
        Assert.Equal(2, theirsD.Length);
        Assert.True(oursD.Zip(theirsD).Max(p => Math.Abs(p.First - p.Second)) < 1e-5,
            $"D's outputs differ: {string.Join(", ", oursD)} against {string.Join(", ", theirsD)}");
    }
}
