using System.Text.Json;
using Dcgan.Interop;
using Dcgan.Latent;
using Dcgan.Models;
using Dcgan.Training;
using static TorchSharp.torch;
using TorchGenerator = TorchSharp.torch.Generator;

namespace Dcgan.Tests;

/// <summary>
/// The training step and the losses pinned against PyTorch itself (Debian's python3-torch, installed by .ci/run):
/// the same weights, batch and noise go into the tutorial's own code, and what comes out must agree.
/// </summary>
public class PyTorchReferenceTests
{
    // The tutorial's two networks and its training-loop body, word for word but for the sizes (nz 8, ngf = ndf = 4).
    internal const string TutorialNets = """
        import json, torch, torch.nn as nn, torch.nn.functional as F, torch.optim as optim
        nz, ngf, ndf, nc = 8, 4, 4, 3
        class Generator(nn.Module):
            def __init__(self):
                super().__init__()
                self.main = nn.Sequential(
                    nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * 8), nn.ReLU(True),
                    nn.ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 4), nn.ReLU(True),
                    nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 2), nn.ReLU(True),
                    nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf), nn.ReLU(True),
                    nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False), nn.Tanh())
            def forward(self, input): return self.main(input)
        class Discriminator(nn.Module):
            # sigmoid=False: the logit losses' D; batchnorm=False: WGAN-GP's critic (a per-batch norm breaks the penalty)
            def __init__(self, sigmoid=True, batchnorm=True):
                super().__init__()
                norm = (lambda c: [nn.BatchNorm2d(c)]) if batchnorm else (lambda c: [])
                self.main = nn.Sequential(
                    nn.Conv2d(nc, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True),
                    nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False), *norm(ndf * 2), nn.LeakyReLU(0.2, inplace=True),
                    nn.Conv2d(ndf * 2, ndf * 4, 4, 2, 1, bias=False), *norm(ndf * 4), nn.LeakyReLU(0.2, inplace=True),
                    nn.Conv2d(ndf * 4, ndf * 8, 4, 2, 1, bias=False), *norm(ndf * 8), nn.LeakyReLU(0.2, inplace=True),
                    nn.Conv2d(ndf * 8, 1, 4, 1, 0, bias=False), *([nn.Sigmoid()] if sigmoid else []))
            def forward(self, input): return self.main(input)

        """;

    private const int Batch = 4;
    private static readonly ModelOptions Tiny = new() { ImageSize = 64, Nz = 8, Ngf = 4, Ndf = 4 };

    private static void Save(string path, Tensor values)
    {
        using var stream = File.Create(path);
        using var flat = values.detach().flatten().contiguous();
        TorchTensorFile.WriteVector(stream, flat.data<float>().ToArray());
    }

    private static double MaxDifference(nn.Module module, string pytorchFile)
    {
        var theirs = PyTorchStateDict.Read(pytorchFile);
        double worst = 0;
        foreach (var (key, mine) in module.state_dict())
            worst = Math.Max(worst, mine.to(float64).sub(theirs[key].to(float64)).abs().max().item<double>());
        return worst;
    }

    [Fact]
    public void One_training_step_gives_pytorchs_losses_and_weights()
    {
        string dir = TestData.TempDir("pytorch-step");
        using var scope = NewDisposeScope();
        using var pair = new GanPair(new TrainingOptions { Model = Tiny, Seed = 3 }, CPU);
        PyTorchStateDict.Save(pair.Generator, Path.Combine(dir, "g0.pth"));
        PyTorchStateDict.Save(pair.Discriminator, Path.Combine(dir, "d0.pth"));
        var real = rand(Batch, 3, 64, 64, generator: new TorchGenerator(1)).mul(2).sub(1);
        // The step draws z as its first use of its generator; the same seed gives PyTorch the same z.
        var z = LatentSampler.Draw(Batch, Tiny.Nz, LatentPrior.Normal, new TorchGenerator(77));
        Save(Path.Combine(dir, "real.pt"), real);
        Save(Path.Combine(dir, "z.pt"), z);
        var mine = pair.Step(real, new TorchGenerator(77), step: 0);

        string printed = TestData.PyTorch(TutorialNets + $$"""
            d = r'{{dir}}'
            netG, netD = Generator(), Discriminator()
            netG.load_state_dict(torch.load(d + '/g0.pth')); netD.load_state_dict(torch.load(d + '/d0.pth'))
            real_cpu = torch.load(d + '/real.pt').view({{Batch}}, 3, 64, 64)
            noise = torch.load(d + '/z.pt').view({{Batch}}, nz, 1, 1)
            criterion = nn.BCELoss()
            optimizerD = optim.Adam(netD.parameters(), lr=0.0002, betas=(0.5, 0.999))
            optimizerG = optim.Adam(netG.parameters(), lr=0.0002, betas=(0.5, 0.999))
            b_size = real_cpu.size(0)
            netD.zero_grad()
            label = torch.full((b_size,), 1., dtype=torch.float)
            output = netD(real_cpu).view(-1)
            errD_real = criterion(output, label)
            errD_real.backward()
            D_x = output.mean().item()
            fake = netG(noise)
            label.fill_(0.)
            output = netD(fake.detach()).view(-1)
            errD_fake = criterion(output, label)
            errD_fake.backward()
            D_G_z1 = output.mean().item()
            errD = errD_real + errD_fake
            optimizerD.step()
            netG.zero_grad()
            label.fill_(1.)
            output = netD(fake).view(-1)
            errG = criterion(output, label)
            errG.backward()
            D_G_z2 = output.mean().item()
            optimizerG.step()
            torch.save(netG.state_dict(), d + '/g1.pth'); torch.save(netD.state_dict(), d + '/d1.pth')
            print(json.dumps([errD.item(), errG.item(), D_x, D_G_z1, D_G_z2]))
            """);
        double[] theirs = JsonSerializer.Deserialize<double[]>(printed)!;
        double[] ours = [mine.LossD, mine.LossG, mine.DX, mine.DGZ1, mine.DGZ2];
        for (int i = 0; i < ours.Length; i++)
            Assert.True(Math.Abs(ours[i] - theirs[i]) < 1e-5, $"value {i}: {ours[i]} here, {theirs[i]} in PyTorch");
        // Adam's first step moves each weight by about lr = 2e-4, so 1e-6 separates "the same step" from any other.
        Assert.True(MaxDifference(pair.Generator, Path.Combine(dir, "g1.pth")) < 1e-6, "G after the step differs from PyTorch's");
        Assert.True(MaxDifference(pair.Discriminator, Path.Combine(dir, "d1.pth")) < 1e-6, "D after the step differs from PyTorch's");
    }

    [Fact]
    public void Every_loss_and_penalty_gives_pytorchs_values_and_gradients()
    {
        string dir = TestData.TempDir("pytorch-losses");
        using var scope = NewDisposeScope();
        var scores = randn(Batch, generator: new TorchGenerator(4)).mul(2);        // D's raw outputs (logits)
        var probabilities = scores.sigmoid();
        Save(Path.Combine(dir, "scores.pt"), scores);

        // Each loss of the two kinds of D output: (D on reals + D on fakes, G) with their gradients wrt the outputs.
        var rows = new List<double>();
        foreach (var kind in Enum.GetValues<LossKind>())
        {
            var input = (kind == LossKind.Bce ? probabilities : scores).detach();
            var real = input.requires_grad_(true);
            var fake = input.flip(0).detach().requires_grad_(true);
            var lossD = Losses.DiscriminatorReal(kind, real).add(Losses.DiscriminatorFake(kind, fake));
            lossD.backward();
            var gFake = fake.detach().clone().requires_grad_(true);
            var lossG = Losses.Generator(kind, gFake);
            lossG.backward();
            rows.Add(lossD.item<float>());
            rows.Add(lossG.item<float>());
            rows.AddRange(real.grad!.data<float>().ToArray().Select(v => (double)v));
            rows.AddRange(fake.grad!.data<float>().ToArray().Select(v => (double)v));
            rows.AddRange(gFake.grad!.data<float>().ToArray().Select(v => (double)v));
        }

        // The gradient penalty (WGAN-GP) and R1 on a critic whose weights PyTorch loads.
        var critic = new Discriminator(Tiny with { Loss = LossKind.WganGp });
        using (var random = new TorchGenerator(8)) WeightInit.Apply(critic, random);
        PyTorchStateDict.Save(critic, Path.Combine(dir, "critic.pth"));
        var images = rand(Batch, 3, 64, 64, generator: new TorchGenerator(2)).mul(2).sub(1);
        var fakes = rand(Batch, 3, 64, 64, generator: new TorchGenerator(3)).mul(2).sub(1);
        var epsilon = rand(Batch, 1, 1, 1, generator: new TorchGenerator(9));              // what the penalty draws first
        Save(Path.Combine(dir, "images.pt"), images);
        Save(Path.Combine(dir, "fakes.pt"), fakes);
        Save(Path.Combine(dir, "epsilon.pt"), epsilon);
        rows.Add(Losses.GradientPenalty(critic, images, fakes, new TorchGenerator(9)).item<float>());
        rows.Add(Losses.R1Penalty(critic, images).item<float>());
        // R1 for the tutorial's D is taken on its logit, before the Sigmoid.
        var tutorialD = new Discriminator(Tiny);
        using (var random = new TorchGenerator(10)) WeightInit.Apply(tutorialD, random);
        PyTorchStateDict.Save(tutorialD, Path.Combine(dir, "d.pth"));
        rows.Add(Losses.R1Penalty(tutorialD, images).item<float>());

        string printed = TestData.PyTorch(TutorialNets + $$"""
            d = r'{{dir}}'
            scores = torch.load(d + '/scores.pt')
            rows = []
            # bce (the tutorial: Sigmoid + BCELoss), bce-logits, lsgan (Mao et al.), hinge (Miyato et al.), wgan-gp (Gulrajani et al.)
            losses = [
                (lambda r, f: F.binary_cross_entropy(r, torch.ones_like(r)) + F.binary_cross_entropy(f, torch.zeros_like(f)),
                 lambda f: F.binary_cross_entropy(f, torch.ones_like(f))),
                (lambda r, f: F.binary_cross_entropy_with_logits(r, torch.ones_like(r)) + F.binary_cross_entropy_with_logits(f, torch.zeros_like(f)),
                 lambda f: F.binary_cross_entropy_with_logits(f, torch.ones_like(f))),
                (lambda r, f: 0.5 * F.mse_loss(r, torch.ones_like(r)) + 0.5 * F.mse_loss(f, torch.zeros_like(f)),
                 lambda f: 0.5 * F.mse_loss(f, torch.ones_like(f))),
                (lambda r, f: F.relu(1 - r).mean() + F.relu(1 + f).mean(), lambda f: -f.mean()),
                (lambda r, f: f.mean() - r.mean(), lambda f: -f.mean()),
            ]
            for i, (loss_d, loss_g) in enumerate(losses):
                x = torch.sigmoid(scores) if i == 0 else scores
                real = x.clone().requires_grad_(True); fake = x.flip(0).clone().requires_grad_(True)
                ld = loss_d(real, fake); ld.backward()
                g_fake = x.flip(0).clone().requires_grad_(True)
                lg = loss_g(g_fake); lg.backward()
                rows += [ld.item(), lg.item()] + real.grad.tolist() + fake.grad.tolist() + g_fake.grad.tolist()
            critic = Discriminator(sigmoid=False, batchnorm=False)
            critic.load_state_dict(torch.load(d + '/critic.pth'))
            images = torch.load(d + '/images.pt').view({{Batch}}, 3, 64, 64)
            fakes = torch.load(d + '/fakes.pt').view({{Batch}}, 3, 64, 64)
            eps = torch.load(d + '/epsilon.pt').view({{Batch}}, 1, 1, 1)
            mixed = (eps * images + (1 - eps) * fakes).requires_grad_(True)
            out = critic(mixed)
            grad, = torch.autograd.grad(out, mixed, torch.ones_like(out), create_graph=True)
            rows.append(((grad.view({{Batch}}, -1).norm(2, dim=1) - 1) ** 2).mean().item())
            def r1(logits):
                x = images.clone().requires_grad_(True)
                out = logits(x)
                grad, = torch.autograd.grad(out, x, torch.ones_like(out), create_graph=True)
                return grad.view({{Batch}}, -1).pow(2).sum(1).mean().item()
            rows.append(r1(critic))
            netD = Discriminator()
            netD.load_state_dict(torch.load(d + '/d.pth'))
            rows.append(r1(netD.main[:-1]))
            print(json.dumps(rows))
            """);
        double[] theirs = JsonSerializer.Deserialize<double[]>(printed)!;
        Assert.Equal(theirs.Length, rows.Count);
        for (int i = 0; i < rows.Count; i++)
            Assert.True(Math.Abs(rows[i] - theirs[i]) <= 1e-5 * Math.Max(1, Math.Abs(theirs[i])),
                $"figure {i}: {rows[i]} here, {theirs[i]} in PyTorch");
    }
}
