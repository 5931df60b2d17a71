using System.CommandLine;
using Dcgan.Data;
using static Dcgan.Cli.Commands.OptionFactory;

namespace Dcgan.Cli.Commands;

internal static class DatasetCommand
{
    public static Command Create()
    {
        var from = Required<string>("--from", "Folder of images (and optionally labels.json) to pack.");
        var output = Required<string>("--out", "The .zip to write.");
        var size = Make("--size", "Image size of the packed images (resize shorter side, center crop).", 64);
        var pack = new Command("pack", "Pack a folder into a zip of PNGs composited on white (how data/emoji.zip is built).")
            .With(from, output, size);
        pack.SetAction(r => CommandRunner.Guard("dataset pack", () =>
        {
            CheckOutputFile("--out", r.GetValue(output), ZipFile);
            var info = DatasetPacker.Pack(r.GetValue(from)!, r.GetValue(output)!, CheckSize(r.GetValue(size)));
            Console.WriteLine($"{info.Count} images packed into {r.GetValue(output)} " +
                $"({new FileInfo(r.GetValue(output)!).Length / 1024} KiB); {info.Skipped.Count} skipped");
            return 0;
        }));

        var data = Required<string>("--data", "Data set to inspect: 'emoji', a folder, a .zip or an IDX file.");
        var readSize = Make("--size", "Image size to read the set at, as training with --image-size would.", 64);
        var inspect = new Command("inspect", "Read a data set as training would and report what it holds.").With(data, readSize);
        inspect.SetAction(r => CommandRunner.Guard("dataset inspect", () =>
        {
            var source = DataSource.Resolve(r.GetValue(data)!);
            // A folder of its own, removed afterwards: two inspections at once never share (or clobber) one cache.
            string scratch = Path.Combine(Path.GetTempPath(), "dcgan-inspect-" + Guid.NewGuid().ToString("N"));
            try
            {
                using var cache = PixelCache.Open(source, CheckSize(r.GetValue(readSize)), 3, scratch);
                Console.WriteLine($"{source.Description}: {cache.Count} images, {cache.Info.Skipped.Count} left out");
                foreach (var skipped in cache.Info.Skipped.Take(20)) Console.WriteLine($"  skipped {skipped}");
            }
            finally
            {
                if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
            }
            return 0;
        }));
        return new Command("dataset", "Data set tools.") { pack, inspect };
    }

    private static int CheckSize(int size) =>
        size is >= 8 and <= 1024 ? size : throw CommandRunner.Usage($"--size must be between 8 and 1024 pixels (got {size})");
}
