// Load a generator, draw a grid, move one face along a vector, save the pictures.
//   dotnet run -- [MODEL] [VECTOR.pt|VECTOR.json] [OUT_DIR]
// MODEL: a bundled name (emoji-dcgan, fashion-mnist-dcgan), a netG.pth, a .ckpt or a run folder. Without a vector the
// first direction SeFa finds in G's weights is used, so the example edits with any model.
using Dcgan;

try
{
    Run(args);
    return 0;
}
catch (Exception e) when (e is InputException or InvalidDataException or IOException)
{
    // A missing file, one of another kind, or a disk that refuses: the library's message names it and says what it expected.
    Console.Error.WriteLine($"dcgan-console-example: {e.Message}");
    return 1;
}

static void Run(string[] args)
{
    string model = args.Length > 0 ? args[0] : GanGenerator.DefaultModel;
    string? vectorPath = args.Length > 1 ? args[1] : null;
    string outDir = args.Length > 2 ? args[2] : "out";
    Directory.CreateDirectory(outDir);

    using var netG = GanGenerator.Load(model);
    Console.WriteLine($"Loaded {netG.Source}: nz {netG.LatentSize}, {netG.ImageSize}x{netG.ImageSize}x{netG.Channels}");

    long[] seeds = [.. Enumerable.Range(0, 64).Select(i => (long)i)];
    netG.Grid(seeds, columns: 8).SavePng(Path.Combine(outDir, "grid.png"));
    Console.WriteLine($"Wrote {Path.Combine(outDir, "grid.png")}: seeds 0..63");

    LatentVector vector = vectorPath is null ? netG.DiscoverDirections(1)[0] : LatentVector.Load(vectorPath);
    Console.WriteLine($"Vector {vector}");
    long seed = 7;
    foreach (double strength in new[] { -2.0, 0, 2.0 })
    {
        string file = Path.Combine(outDir, $"seed{seed}-{vector.Name}{strength:+0;-0;0}.png");
        netG.Edit(seed, vector, strength).SavePng(file);
        Console.WriteLine($"Wrote {file}");
    }
}
