#:project ../../src/Dcgan/Dcgan.csproj
#:property RestorePackagesWithLockFile=false

// Latent editing starts with labels: which generated images show an attribute A and which do not. A person labels them
// by eye in the studio (./dcgan serve); here a rule anyone can check labels them, so the step runs unattended: A is
// "a light background", the mean brightness of the image's border. The bundled model is used: its images are sharper
// than five epochs make them.
//   dotnet run 07-label.cs [-- MODEL]
using Dcgan;

string model = args.Length > 0 ? args[0] : GanGenerator.DefaultModel;
using var netG = GanGenerator.Load(model);
long[] seeds = [.. Enumerable.Range(0, 200).Select(i => (long)i)];
var images = netG.Draw(seeds);

static double BorderBrightness(GeneratedImage image)
{
    byte[] p = image.Pixels;
    double sum = 0; int count = 0;
    for (int y = 0; y < image.Height; y++)
        for (int x = 0; x < image.Width; x++)
        {
            if (x > 3 && y > 3 && x < image.Width - 4 && y < image.Height - 4) continue; // the 4-pixel border only
            for (int c = 0; c < image.Channels; c++) sum += p[(y * image.Width + x) * image.Channels + c];
            count += image.Channels;
        }
    return sum / count;
}

var ranked = seeds.Zip(images, (seed, image) => (Seed: seed, Brightness: BorderBrightness(image))).OrderBy(s => s.Brightness).ToList();
// The brightest quarter shows A, the darkest quarter does not; the middle is left unlabelled, as a person would skip
// images they cannot decide on.
long[] with = [.. ranked.TakeLast(50).Select(s => s.Seed).Order()];
long[] without = [.. ranked.Take(50).Select(s => s.Seed).Order()];
File.WriteAllText("labels.txt", $"with {string.Join(",", with)}\nwithout {string.Join(",", without)}\n");
Console.WriteLine($"Labelled {with.Length} seeds with A (light background) and {without.Length} without; wrote labels.txt");
netG.Grid(with.Take(16).ToArray()).SavePng("with-a.png");
netG.Grid(without.Take(16).ToArray()).SavePng("without-a.png");
Console.WriteLine("Wrote with-a.png and without-a.png: 16 of each");
