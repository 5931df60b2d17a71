#:project ../../src/Dcgan/Dcgan.csproj
#:property RestorePackagesWithLockFile=false

// Step 3, "Training", one step at a time, as the tutorial's loop body does it:
//   (1) Update D: maximise log(D(x)) + log(1 - D(G(z))) -- BCE on a real batch (label 1), then on G's fakes (label 0),
//       detached from G so that only D learns from this part;
//   (2) Update G: maximise log(D(G(z))) -- BCE of D(G(z)) against the label "real", the non-saturating loss.
// Adam (lr 2e-4, beta1 0.5) for both. The printed line is the tutorial's.
//   dotnet run 03-one-step.cs
using Dcgan;

using var images = TrainingImages.Open("emoji", imageSize: 64);
using var nets = GanNetworks.Create(seed: 999);

// What G draws before it has learnt anything: noise around grey.
nets.SaveState("untrained");
using (var untrained = GanGenerator.Load("untrained/netG.pth"))
    untrained.Grid([0, 1, 2, 3, 4, 5, 6, 7]).SavePng("untrained.png");
Console.WriteLine("Wrote untrained.png: G before its first step");

for (int i = 0; i < 3; i++)
{
    var s = nets.Step(images, batchSize: 128);
    Console.WriteLine($"[0/5][{i}/{(images.Count + 127) / 128}]\tLoss_D: {s.LossD:F4}\tLoss_G: {s.LossG:F4}\tD(x): {s.DOfReal:F4}\t" +
                      $"D(G(z)): {s.DOfFakeInDStep:F4} / {s.DOfFakeInGStep:F4}");
}
// Early on D(x) is near 0.5 and falls or rises as D learns; D(G(z)) after D's update (the second number) drops fast,
// so Loss_G is large: G is told how its fakes were caught and pushes back from the next step on.
Console.WriteLine("Three steps done; 04-train.cs runs the whole loop with checkpoints and the fixed-noise grid.");
