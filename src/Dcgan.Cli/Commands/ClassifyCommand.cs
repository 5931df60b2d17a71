using System.CommandLine;
using System.Text.Json;
using Dcgan.Generation;
using Dcgan.Data;
using Dcgan.Latent;
using Dcgan.Training;
using static Dcgan.Cli.Commands.OptionFactory;

namespace Dcgan.Cli.Commands;

internal static class ClassifyCommand
{
    public static Command Create()
    {
        var model = new ModelArguments();
        var data = Make("--data",
            "Labelled real images: 'emoji' (labels.json inside), a CelebA folder or zip (with --attributes), " +
            "or IDX images (with --labels).",
            "emoji");
        var attribute = Required<string>("--attribute",
            "The attribute: field=value for the emoji labels (gender=man, skin_tone=dark), a CelebA column (Male, Smiling), " +
            "or class=K for IDX.");
        var against = Optional<string>("--against", "The other side, field=value (default: every image whose field has another value).");
        var attributes = Optional<string>("--attributes", "CelebA's list_attr_celeba.txt.");
        var idxLabels = Optional<string>("--labels", "IDX label file (e.g. train-labels-idx1-ubyte.gz) for IDX images.");
        var n = Make("--n", "Generated images to label: seeds s..s+n-1.", 1000);
        var seed = Make("--seed", "First seed.", 0L);
        var confidence = Make("--confidence", "Keep images whose P(attribute) is above this (with) or below 1 - this (without).", 0.8);
        var epochs = Make("--epochs", "Classifier training epochs.", 8);
        var method = Make("--method", "mean-diff, balanced or svm.", "mean-diff");
        var cacheDir = Make("--cache-dir", "Where decoded pixels are cached.", ".cache");
        var saveLabels = Optional<string>("--save-labels",
            "Also write the labels found ({\"with\": [...], \"without\": [...]}, the format of `attribute fit --labels`).");
        var name = Optional<string>("--name", "A name for the vector (default: the attribute, e.g. skin_tone-dark).");
        var output = Required<string>("--out",
            "The vector file to write: .json, or .pt/.pth for a tensor torch.load reads (its JSON beside it as PATH.json).");
        var force = Make("--force", "Label with the classifier even when its held-out accuracy cannot be told from chance.", false);
        var command = new Command("classify",
                "Train a small attribute classifier on labelled real images, label generated images with it, and fit the attribute vector.")
            .With([.. model.All, data, attribute, against, attributes, idxLabels, n, seed, confidence, epochs, method, cacheDir, saveLabels,
                name, output, force]);
        command.SetAction(r => CommandRunner.Guard("attribute classify", () =>
        {
            var chosen = Input.UserInput.SupervisedMethod(r.GetValue(method), "--method");
            CheckOutputFile("--out", r.GetValue(output), VectorFile);
            if (r.GetValue(epochs) is < 1 or > 100) throw CommandRunner.Usage("--epochs must be between 1 and 100");
            using var loaded = model.Open(r);
            var source = DataSource.Resolve(r.GetValue(data)!);
            using var cache = PixelCache.Open(source, loaded.Options.ImageSize, loaded.Options.Nc, r.GetValue(cacheDir)!);
            var labels = ReadLabels(source, cache, r.GetValue(attribute)!, r.GetValue(against), r.GetValue(attributes),
                r.GetValue(idxLabels));
            Console.Error.WriteLine($"labels: {labels.Description}: {labels.Positives} with, {labels.Negatives} without");
            var result = AutoLabeller.Run(loaded, cache, labels,
                new AutoLabelOptions(
                    AttributeVector.CheckName(r.GetValue(name) ?? r.GetValue(attribute)!.Replace('=', '-'), "--name"), chosen,
                    r.GetValue(n), r.GetValue(seed), r.GetValue(confidence), r.GetValue(epochs),
                    AllowChance: r.GetValue(force)),
                line => Console.Error.WriteLine(line));
            result.Vector.Save(r.GetValue(output)!);
            if (r.GetValue(saveLabels) is { } file)
                Imaging.AtomicFile.WriteAllText(file, JsonSerializer.Serialize(new { with = result.With, without = result.Without }));
            var v = result.Vector.Validation!;
            Console.WriteLine($"{result.Vector.Name}: classifier held-out accuracy {result.Classifier.HeldOutAccuracy:P1} " +
                $"(balanced {result.Classifier.HeldOutBalancedAccuracy:P1}, {result.Classifier.HeldOutImages} images); " +
                $"{result.With.Count} generated with, {result.Without.Count} without; vector norm {result.Vector.Norm:F3}, " +
                $"{v.Folds}-fold accuracy {v.Accuracy:P0}, ROC AUC {v.RocAuc:F3}; wrote {r.GetValue(output)}");
            return 0;
        }));
        return command;
    }

    private static ImageLabels ReadLabels(
        IImageSource source, PixelCache cache, string attribute, string? against, string? celeba, string? idx)
    {
        if (celeba is not null) return ImageLabels.FromCeleba(CelebaAttributes.Read(celeba), attribute, cache.Info.Names);
        if (idx is not null) return ImageLabels.FromIdx(IdxFile.ReadLabels(idx), attribute, against);
        if (source is ZipImageSource zip && zip.ReadText(DatasetPacker.LabelsEntry) is { } json)
            return ImageLabels.FromLabelsJson(json, attribute, against);
        if (source is FolderImageSource folder && File.Exists(Path.Combine(folder.Root, DatasetPacker.LabelsEntry)))
            return ImageLabels.FromLabelsJson(File.ReadAllText(Path.Combine(folder.Root, DatasetPacker.LabelsEntry)), attribute, against);
        throw CommandRunner.Usage($"{source.Description} has no labels: give --attributes list_attr_celeba.txt (CelebA) " +
            "or --labels FILE (IDX), or use a data set with labels.json");
    }
}
