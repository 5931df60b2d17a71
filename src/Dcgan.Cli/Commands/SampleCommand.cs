using System.CommandLine;
using Dcgan.Generation;
using Dcgan.Imaging;
using Dcgan.Latent;
using Dcgan.Models;
using static Dcgan.Cli.Commands.OptionFactory;

namespace Dcgan.Cli.Commands;

internal static class SampleCommand
{
    public static Command Create()
    {
        var model = new ModelArguments();
        var seed = Make("--seed", "First seed: image s is generated from torch.manual_seed(s); torch.randn(1, nz, 1, 1).", 0L);
        var n = Make("--n", "Number of images: seeds s..s+n-1 (1 to 1024).", 64);
        var output = Optional<string>("--out", "Write one PNG grid (make_grid layout, padding 2) to this file.");
        var nrow = Make("--nrow", "Images per grid row.", 8);
        var each = Optional<string>("--each", "Write one PNG per image into this folder, named by seed (e.g. 42.png).");
        var latents = Optional<string>("--latents", "Read explicit z vectors (.npy or JSON) instead of seeds.");
        var saveLatents = Optional<string>("--save-latents", "Write the z vectors used (.npy or JSON).");
        var mode = ModelArguments.ModeOption(
            "all n images as one batch normalised by its own statistics, as the training notebook renders; " +
            "images then depend on the batch");
        var command = new Command("sample", "Generate images from a trained generator, deterministic per seed (G in eval mode).")
            .With([.. model.All, seed, n, output, nrow, each, latents, saveLatents, mode]);
        command.SetAction(r => CommandRunner.Guard("sample", () =>
        {
            string? outPath = r.GetValue(output), eachDir = r.GetValue(each), latentsIn = r.GetValue(latents),
                latentsOut = r.GetValue(saveLatents);
            if (outPath is null && eachDir is null && latentsOut is null)
                throw CommandRunner.Usage("nothing to write: give --out FILE.png, --each DIR or --save-latents FILE");
            int count = r.GetValue(n);
            if (count is < 1 or > 1024) throw CommandRunner.Usage($"--n must be between 1 and 1024 (got {count})");
            if (r.GetValue(seed) < 0) throw CommandRunner.Usage($"--seed must be a non-negative integer (got {r.GetValue(seed)})");
            if (r.GetValue(seed) > long.MaxValue - (count - 1))
                throw CommandRunner.Usage(
                    $"--seed {r.GetValue(seed)} with --n {count} runs past the largest seed, {long.MaxValue}: lower --seed or --n");
            if (latentsIn is not null && string.IsNullOrWhiteSpace(latentsIn)) throw CommandRunner.Usage("--latents: the path is empty");
            CheckOutputFolder("--each", eachDir);
            CheckOutputFile("--out", outPath, PngFile, eachDir);
            CheckLatentsOutput("--save-latents", latentsOut, eachDir);
            if (r.GetValue(nrow) < 1) throw CommandRunner.Usage($"--nrow must be at least 1 (got {r.GetValue(nrow)})");
            var samplingMode = ModelArguments.Mode(r, mode);

            using var loaded = model.Open(r);
            var sampler = loaded.Sampler;
            string resolved = loaded.Path;
            var seeds = Enumerable.Range(0, count).Select(i => r.GetValue(seed) + i).ToList();
            using var z = latentsIn is null ? sampler.LatentsFor(seeds) : LatentFile.Read(latentsIn, sampler.Options.Nz, maxRows: 1024);
            var names = latentsIn is null
                ? seeds.Select(s => s.ToString()).ToList()
                : Enumerable.Range(0, (int)z.shape[0]).Select(i => $"latent-{i:D4}").ToList();
            IReadOnlyList<PixelImage> images;
            using (var pixels = sampler.Generate(z, samplingMode)) images = PixelConverter.ToImages(pixels);

            if (outPath is not null) Png.Save(ImageGrid.Make(images, r.GetValue(nrow)), outPath);
            if (eachDir is not null)
            {
                Directory.CreateDirectory(eachDir);
                for (int i = 0; i < images.Count; i++) Png.Save(images[i], Path.Combine(eachDir, names[i] + ".png"));
            }
            if (latentsOut is not null) LatentFile.Write(latentsOut, z);
            Console.WriteLine($"{images.Count} image(s) from {resolved}" +
                (outPath is null ? "" : $"; grid {outPath}") + (eachDir is null ? "" : $"; files in {eachDir}/") +
                (latentsOut is null ? "" : $"; latents {latentsOut}"));
            return 0;
        }));
        return command;
    }
}
