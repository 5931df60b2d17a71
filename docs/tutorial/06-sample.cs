#:project ../../src/Dcgan/Dcgan.csproj
#:property RestorePackagesWithLockFile=false

// Step 6, the tutorial's "Results": images from the trained G. A seed is a z: torch.manual_seed(seed);
// torch.randn(1, 100, 1, 1) in PyTorch gives the same numbers, so seed 7 is the same face here, in the dcgan command,
// its studio and PyTorch.
//   dotnet run 06-sample.cs [-- MODEL]     MODEL: runs/tutorial (the default), emoji-dcgan (the bundled model), a netG.pth
using Dcgan;

string model = args.Length > 0 ? args[0] : "runs/tutorial";
using var netG = GanGenerator.Load(model);
Console.WriteLine($"G from {netG.Source}");

long[] seeds = [.. Enumerable.Range(0, 64).Select(i => (long)i)];
netG.Grid(seeds).SavePng("samples.png");
Console.WriteLine("Wrote samples.png: seeds 0..63, the tutorial's 'Fake Images'");

float[] z = netG.Latent(7);
Console.WriteLine($"z of seed 7 starts {string.Join(", ", z.Take(4).Select(v => v.ToString("F4")))} ... ({z.Length} values)");
// Deterministic per seed, whatever else is drawn with it.
bool same = netG.Draw(7).Pixels.SequenceEqual(netG.Draw([3, 7, 11])[1].Pixels);
Console.WriteLine($"seed 7 alone and in a batch of three: {(same ? "the same pixels" : "DIFFERENT pixels")}");
