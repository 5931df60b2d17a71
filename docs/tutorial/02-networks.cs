#:project ../../src/Dcgan/Dcgan.csproj
#:property RestorePackagesWithLockFile=false

// Step 2, "Implementation": weights_init, the Generator and the Discriminator, printed as the tutorial's notebook
// prints them, then the shape of one z as it goes through G and of one image through D.
//   dotnet run 02-networks.cs
using Dcgan;

using var nets = GanNetworks.Create(seed: 999); // the tutorial's manualSeed
Console.WriteLine(nets.GeneratorText);
Console.WriteLine(nets.DiscriminatorText);

static void Shapes(string title, IReadOnlyList<NetworkLayer> layers)
{
    Console.WriteLine($"\n{title}");
    foreach (var layer in layers)
    {
        string weights = layer.WeightMean is { } mean ? $"  weight mean {mean,7:F4} std {layer.WeightStd,6:F4}" : "";
        Console.WriteLine($"  {layer.Name,-8} -> [{string.Join(", ", layer.OutputShape)}]{weights}");
    }
    Console.WriteLine($"  {layers.Sum(l => l.Parameters):N0} parameters");
}

Shapes($"G: z [1, {nets.LatentSize}, 1, 1] ->", nets.GeneratorLayers);
Shapes("D: image [1, 3, 64, 64] ->", nets.DiscriminatorLayers);

// weights_init: every convolution N(0, 0.02), every BatchNorm weight N(1, 0.02) and bias 0. The means and standard
// deviations above are those draws.
Console.WriteLine("\nweights_init: convolutions ~ N(0, 0.02), BatchNorm weights ~ N(1, 0.02), BatchNorm biases 0");
