using System.CommandLine;
using System.Diagnostics;
using Dcgan.Imaging;
using Dcgan.Latent;
using static Dcgan.Cli.Commands.OptionFactory;
using static TorchSharp.torch;

namespace Dcgan.Cli.Commands;

internal static class InvertCommand
{
    /// <summary>Image files larger than this are refused before they are read.</summary>
    public const long MaxFileBytes = 20 << 20;
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif"];

    public static Command Create()
    {
        var model = new ModelArguments();
        var defaults = new InversionOptions();
        var image = Required<string>("--image", "An image file, or a folder of them (inverted in file-name order).");
        var output = Required<string>("--out", "The latents to write (.npy or JSON): one row per image.");
        var reconstruction = Optional<string>("--reconstruction",
            "Also write G(z) (.png): the image itself for one input, a grid (as `sample --out`) for several.");
        var steps = Make("--steps", "Adam steps per image.", defaults.Steps);
        var restarts = Make("--restarts", "Random starts searched together; the best one wins.", defaults.Restarts);
        var seed = Make("--seed", "Seed of the random starts (the result is deterministic for a seed).", defaults.Seed);
        var lr = Make("--lr", "Adam's learning rate on z (cosine-decayed to 5 %).", defaults.LearningRate);
        var featureWeight = Make("--feature-weight",
            "Weight of D's activations as a perceptual loss (used where the checkpoint holds D).", defaults.FeatureWeight);
        var priorWeight = Make("--prior-weight", "Weight of the term keeping |z|^2 / nz near 1 (the prior's shell).", defaults.PriorWeight);
        var command = new Command("invert",
                "Find the latent z of your own image (GAN inversion), to edit it with `attribute apply --latents` or interpolate from it.")
            .With([.. model.All, image, output, reconstruction, steps, restarts, seed, lr, featureWeight, priorWeight]);
        command.SetAction(r => CommandRunner.Guard("invert", () =>
        {
            var options = new InversionOptions
            {
                Steps = r.GetValue(steps), Restarts = r.GetValue(restarts), Seed = r.GetValue(seed), LearningRate = r.GetValue(lr),
                FeatureWeight = r.GetValue(featureWeight), PriorWeight = r.GetValue(priorWeight),
            }.Validate();
            CheckLatentsOutput("--out", r.GetValue(output));
            CheckOutputFile("--reconstruction", r.GetValue(reconstruction), PngFile);
            var files = ImageFiles(r.GetValue(image)!);
            using var loaded = model.Open(r);
            // Every image decoded first (in one dispose scope): an unreadable last file must not cost the minutes spent on
            // the others.
            using var decoding = NewDisposeScope();
            var targets = files.Select(f => Inversion.ReadTarget(Path.GetFileName(f), File.ReadAllBytes(f), loaded.Options)).ToList();
            bool withD;
            using (var discriminator = loaded.LoadDiscriminator()) withD = discriminator is not null;
            Console.WriteLine($"Inverting {files.Count} image(s) with {loaded.Path}: {options.Restarts} starts x {options.Steps} steps, " +
                (withD ? "pixel + D-feature + prior loss" : "pixel + prior loss (this file holds no D)"));
            var latents = new List<float[]>();
            foreach (var (file, target) in files.Zip(targets))
            {
                var clock = Stopwatch.StartNew();
                var result = loaded.Invert(target, options);
                latents.Add(result.Latent);
                Console.WriteLine($"{Path.GetFileName(file)}: PSNR {result.Psnr:F2} dB, SSIM {result.Ssim:F3} " +
                    $"(start {result.BestRestart + 1} of {options.Restarts}, {clock.Elapsed.TotalSeconds:F1} s)");
            }
            using var z = tensor(latents.SelectMany(l => l).ToArray(), [latents.Count, loaded.Options.Nz]);
            LatentFile.Write(r.GetValue(output)!, z);
            if (r.GetValue(reconstruction) is { } path)
            {
                var images = loaded.Sampler.Render(z);
                Png.Save(images.Count == 1 ? images[0] : ImageGrid.Make(images), path);
            }
            Console.WriteLine($"latents {r.GetValue(output)}" + (r.GetValue(reconstruction) is { } p ? $"; reconstruction {p}" : "") +
                $"; edit with: dcgan attribute apply --latents {r.GetValue(output)} --vector V.json --out strip.png");
            return 0;
        }));
        return command;
    }

    private static IReadOnlyList<string> ImageFiles(string path)
    {
        List<string> files;
        if (Directory.Exists(path))
        {
            files = Directory.EnumerateFiles(path)
                .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .Order(StringComparer.Ordinal)
                .ToList();
            if (files.Count == 0)
                throw new FileNotFoundException($"--image: the folder '{path}' holds no images ({string.Join(", ", ImageExtensions)})");
            if (files.Count > 1024)
                throw CommandRunner.Usage($"--image: the folder '{path}' holds {files.Count} images, at most 1024 at once");
        }
        else if (File.Exists(path)) files = [path];
        else throw new FileNotFoundException($"--image: '{path}' does not exist");
        foreach (var file in files)
            if (new FileInfo(file).Length > MaxFileBytes)
                throw CommandRunner.Usage($"--image: {file} is {new FileInfo(file).Length >> 20} MB, at most {MaxFileBytes >> 20} MB");
        return files;
    }
}
