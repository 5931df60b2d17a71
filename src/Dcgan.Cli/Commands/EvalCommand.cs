using System.CommandLine;
using System.Text.Json;
using Dcgan.Data;
using Dcgan.Evaluation;
using static Dcgan.Cli.Commands.OptionFactory;

namespace Dcgan.Cli.Commands;

internal static class EvalCommand
{
    public static Command Create()
    {
        var model = new ModelArguments();
        var data = Make("--data", "The real images to compare with ('emoji', a folder, a .zip or IDX).", "emoji");
        var n = Make("--n", "Generated images: seeds s..s+n-1.", 2000);
        var seed = Make("--seed", "First seed.", 0L);
        var realN = Optional<int?>("--real-n", "Use at most this many real images (a fixed subset); default all.");
        var features = Optional<string>("--features",
            "Another feature network (.onnx, input [N, 3, H, W]), e.g. an Inception v3 for standard FID.");
        var cacheDir = Make("--cache-dir", "Where decoded pixels and real-set features are cached.", ".cache");
        var json = Optional<string>("--json", "Also write the figures as JSON.");
        var mode = ModelArguments.ModeOption("each batch of 64 normalised by its own statistics, as the training notebook renders");
        var command = new Command("eval",
                "FID and KID (ResNet-18 features) and k-NN precision / recall of generated images against a data set.")
            .With([.. model.All, data, n, seed, realN, features, cacheDir, json, mode]);
        command.SetAction(r => CommandRunner.Guard("eval", () =>
        {
            if (r.GetValue(json) is { } jsonFile && (Directory.Exists(jsonFile) || !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(jsonFile)))))
                throw CommandRunner.Usage($"--json: '{jsonFile}' is a folder or in a folder that does not exist; name a file, e.g. eval.json");
            var samplingMode = ModelArguments.Mode(r, mode);
            using var loaded = model.Open(r);
            using var extractor = new FeatureExtractor(r.GetValue(features));
            var report = Evaluator.Evaluate(loaded, DataSource.Resolve(r.GetValue(data)!), extractor, r.GetValue(n), r.GetValue(realN),
                r.GetValue(cacheDir)!, r.GetValue(seed), line => Console.Error.WriteLine(line), samplingMode);
            Console.WriteLine(report);
            if (r.GetValue(json) is { } file)
            {
                var figures = new { checkpoint = loaded.Path, mode = r.GetValue(mode), weights = r.GetValue(model.Weights), report };
                var style = new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
                Imaging.AtomicFile.WriteAllText(file, JsonSerializer.Serialize(figures, style));
            }
            return 0;
        }));
        return command;
    }
}
