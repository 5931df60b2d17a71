using System.CommandLine;
using Dcgan.Generation;
using Dcgan.Export;
using Dcgan.Interop;
using Dcgan.Models;
using Dcgan.Training;
using Dcgan.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using static Dcgan.Cli.Commands.OptionFactory;

namespace Dcgan.Cli.Commands;

/// <summary>
/// `dcgan export`: G and D as PyTorch state_dicts (the default), G as ONNX (--format onnx), or a static web page that
/// generates and edits in the browser (--web DIR).
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var model = new ModelArguments();
        var output = Optional<string>("--out", "Folder for the files: netG.pth, netD.pth (and netG_ema.pth) with --format pth; netG.onnx with --format onnx.");
        var format = Make("--format", "pth (PyTorch state_dicts of G and D, from a checkpoint) or onnx (G as an ONNX opset-17 model).", "pth");
        var web = Optional<string>("--web",
            "Write a static web page to this folder instead: the generator (ONNX), ONNX Runtime Web and the --vectors, drawing and " +
            "editing in the visitor's browser with no server (docs/web-export.md).");
        var vectors = Optional<string>("--vectors", "With --web: vector files (.json or torch.save'd .pt), comma-separated, offered by the page's edit panel.");
        var directions = Make("--directions", "With --web and no --vectors: how many of SeFa's discovered directions the page offers (0 for none).",
            WebPageExport.DefaultDirections);
        var force = new Option<bool>("--force") { Description = "With --vectors: export vectors made for another model too (with a warning)." };
        var serve = new Option<bool>("--serve") { Description = "With --web: serve the folder afterwards (with the headers that let wasm use threads), as a preview." };
        var urls = Make("--urls", "With --serve: where to listen.", "http://127.0.0.1:8080");
        var command = new Command("export",
                "Write G and D as PyTorch state_dicts (netG.pth, netD.pth) that load with load_state_dict(torch.load(path)), " +
                "G as ONNX (--format onnx), or a static web page that runs G in the browser (--web DIR).")
            .With(model.Checkpoint, model.Weights, model.Device, output, format, web, vectors, directions, force, serve, urls);
        command.SetAction(r => CommandRunner.Guard("export", () =>
        {
            string? webDir = r.GetValue(web), outDir = r.GetValue(output);
            string kind = r.GetValue(format)!;
            if (kind is not ("pth" or "onnx")) throw CommandRunner.Usage($"--format: '{kind}' is not a format; give pth or onnx");
            CheckOutputFolder("--out", outDir);
            CheckOutputFolder("--web", webDir);
            if (webDir is null)
            {
                if (r.GetValue(vectors) is not null || r.GetValue(serve) || r.GetResult(directions) is { Implicit: false })
                    throw CommandRunner.Usage("--vectors, --directions and --serve go with --web DIR (the web page); add --web or leave them out");
                if (outDir is null) throw CommandRunner.Usage("--out is required: the folder to write the files to (or give --web DIR for a web page)");
                return kind == "pth" ? ExportStateDicts(r.GetValue(model.Checkpoint), outDir) : ExportOnnx(model, r, outDir);
            }
            if (outDir is not null) throw CommandRunner.Usage("--web DIR is the page's folder; leave out --out (or export files without --web)");
            int directionCount = r.GetValue(directions);
            if (directionCount is < 0 or > 64) throw CommandRunner.Usage($"--directions must be between 0 and 64 (got {directionCount})");
            if (r.GetValue(vectors) is not null && r.GetResult(directions) is { Implicit: false })
                throw CommandRunner.Usage("--directions is for a page without --vectors; give one or the other");
            return ExportWebPage(model, r, webDir, r.GetValue(vectors), directionCount, r.GetValue(force), r.GetValue(serve) ? r.GetValue(urls) : null);
        }));
        return command;
    }

    private static int ExportStateDicts(string? checkpointArgument, string dir)
    {
        if (checkpointArgument is null)
            throw CommandRunner.Usage("--format pth needs --checkpoint: a checkpoint (.ckpt) or run directory, which holds D as well as G");
        string path = Checkpoint.Resolve(checkpointArgument, ModelArguments.PassedOverNote);
        var options = Checkpoint.ReadOptions(path).Model;
        using var generator = new Generator(options);
        using var discriminator = new Discriminator(options);
        Checkpoint.LoadGenerator(path, generator);
        Checkpoint.LoadDiscriminator(path, discriminator);
        Directory.CreateDirectory(dir);
        PyTorchStateDict.Save(generator, Path.Combine(dir, "netG.pth"));
        PyTorchStateDict.Save(discriminator, Path.Combine(dir, "netD.pth"));
        using var average = new Generator(options);
        bool hasEma = Checkpoint.TryLoadGeneratorEma(path, average);
        if (hasEma) PyTorchStateDict.Save(average, Path.Combine(dir, "netG_ema.pth"));
        Console.WriteLine($"wrote {dir}/netG.pth{(hasEma ? $", {dir}/netG_ema.pth" : "")} and {dir}/netD.pth " +
            $"(nz {options.Nz}, ngf {options.Ngf}, ndf {options.Ndf}, nc {options.Nc}, {options.ImageSize}px, " +
            $"loss {DcganJson.Name(options.Loss)})");
        return 0;
    }

    private static int ExportOnnx(ModelArguments model, ParseResult r, string dir)
    {
        using var loaded = model.Open(r, Precision.Fp32); // the file holds fp32 weights and ONNX runs fp32
        var (onnx, check) = OnnxCheck.CheckedExport(loaded);
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "netG.onnx");
        Imaging.AtomicFile.WriteAllBytes(path, onnx);
        Console.WriteLine($"wrote {path} ({onnx.Length / 1e6:0.0} MB, ONNX opset {OnnxExport.Opset}, input z [N, {loaded.Options.Nz}, 1, 1], " +
            $"output image [N, {loaded.Options.Nc}, {loaded.Options.ImageSize}, {loaded.Options.ImageSize}] in [-1, 1])");
        Console.WriteLine(Describe(check));
        return 0;
    }

    private static int ExportWebPage(ModelArguments model, ParseResult r, string dir, string? vectorList, int directionCount, bool force,
        string? previewUrls)
    {
        // A bad --urls or a port in use is named before the export's work, not after it.
        if (previewUrls is not null) StaticPagePreview.CheckCanListen(previewUrls);
        using var loaded = model.Open(r, Precision.Fp32); // the file holds fp32 weights and ONNX runs fp32
        var files = vectorList is null ? [] : vectorList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (vectorList is not null && files.Length == 0) throw CommandRunner.Usage("--vectors is empty; give vector files, comma-separated");
        var vectors = WebPageExport.VectorsOrDirections(loaded,
            files.Select(f => loaded.LoadVector(f, force, warning => Console.Error.WriteLine(warning))).ToList(), directionCount);
        var summary = WebPageExport.Write(loaded, WebPageExport.ModelName(loaded.Path), vectors, dir);
        Console.WriteLine($"wrote {dir}: a web page of {summary.Files} files, {summary.Bytes / 1e6:0.0} MB, with {summary.Vectors} vector(s)" +
            (vectorList is null && vectors.Count > 0 ? $" (SeFa's discovered directions {vectors[0].Name}..{vectors[^1].Name}; --vectors names your own)" : ""));
        Console.WriteLine(Describe(summary.Check));
        Console.WriteLine("Put the folder on any static host (docs/web-export.md); for wasm threads the host sends the headers in its _headers file.");
        if (previewUrls is null)
        {
            Console.WriteLine($"Preview: cd {dir} && python3 -m http.server 8080   (one thread; add --serve to this command for threads)");
            return 0;
        }
        var app = StaticPagePreview.Build(dir, previewUrls);
        app.Start();
        Console.WriteLine($"Serving {dir} at {string.Join(", ", app.Urls)} with cross-origin isolation (Ctrl+C to stop)");
        app.WaitForShutdown();
        return 0;
    }

    private static string Describe(OnnxComparison check) =>
        $"checked in ONNX Runtime: seeds 0-{check.Images - 1} give the same pixels as this program's " +
        (check.MaxLevelDifference == 0
            ? "exactly"
            : $"within {check.MaxLevelDifference} level(s) ({check.LevelsDifferingShare:P3} of values differ)") +
        $"; largest output difference {check.MaxOutputDifference:0.0e0}";
}
