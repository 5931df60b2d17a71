#:project ../../src/Dcgan/Dcgan.csproj
#:property RestorePackagesWithLockFile=false

// v_A = mean(z with A) - mean(z without A): the attribute vector from the labels of 07-label.cs. Adding s * v_A to any
// z moves its image towards A (s > 0) or away (s < 0). Saved in torch's format, so PyTorch loads it:
//   v_A = torch.load("v_A.pt")            # a float32 tensor of 100 values
//   dotnet run 08-vector.cs [-- MODEL]
using Dcgan;

string model = args.Length > 0 ? args[0] : GanGenerator.DefaultModel;
if (!File.Exists("labels.txt")) { Console.WriteLine("No labels.txt: run 07-label.cs first"); return; }
var labels = File.ReadAllLines("labels.txt").ToDictionary(l => l.Split(' ')[0], l => l.Split(' ')[1].Split(',').Select(long.Parse).ToArray());

using var netG = GanGenerator.Load(model);
var vA = netG.FitVector("light-background", labels["with"], labels["without"]);
Console.WriteLine($"v_A from {labels["with"].Length} + {labels["without"].Length} labelled seeds; on seeds it was not fitted on it " +
                  $"tells them apart {vA.HeldOutAccuracy:P0} of the time");

foreach (long seed in new long[] { 7, 21 })
    foreach (double strength in new[] { -3.0, 0, 3.0 })
    {
        string file = $"seed{seed}{strength:+0;-0;+0}.png";
        netG.Edit(seed, vA, strength).SavePng(file);
        Console.WriteLine($"Wrote {file}: seed {seed} moved by {strength} v_A");
    }

vA.Save("v_A.pt");
var back = LatentVector.Load("v_A.pt");
Console.WriteLine($"Saved v_A.pt (torch.save's format, {back.LatentSize} float32 values) and read it back: " +
                  (back.Values.SequenceEqual(vA.Values) ? "the same values" : "DIFFERENT values"));
