using Dcgan.Data;
using Dcgan.Latent;
using static TorchSharp.torch;

namespace Dcgan.Generation;

internal sealed record AutoLabelOptions(string Name, AttributeMethod Method = AttributeMethod.MeanDiff, int Count = 1000, long FirstSeed = 0,
    double Confidence = 0.8, int Epochs = 8, long Seed = 0, bool AllowChance = false);

internal sealed record AutoLabelResult(ClassifierReport Classifier, IReadOnlyList<long> With, IReadOnlyList<long> Without,
    AttributeVector Vector);

/// <summary>
/// Labels generated images without a person: trains an <see cref="AttributeClassifier"/> on labelled real images,
/// scores the images of seeds s..s+N-1, keeps the confident ones (P above the confidence: with; below 1 - it:
/// without) and fits the attribute vector from them.
/// </summary>
internal static class AutoLabeller
{
    public static AutoLabelResult Run(LoadedModel model, PixelCache cache, ImageLabels labels, AutoLabelOptions o,
        Action<string>? log = null)
    {
        if (o.Count is < 4 or > 100_000) throw new InputException("n", InputProblem.OutOfRange, $"must be between 4 and 100000 (got {o.Count})");
        if (o.Confidence is < 0.5 or >= 1) throw new InputException("confidence", InputProblem.OutOfRange, $"must be in [0.5, 1) (got {o.Confidence})");
        if (cache.Info.Size != model.Options.ImageSize || cache.Info.Channels != model.Options.Nc)
            throw new InputException("data", InputProblem.Conflict, $": the data are {cache.Info.Channels}x{cache.Info.Size}px " +
                $"but the model makes {model.Options.Nc}x{model.Options.ImageSize}px images");

        using var classifier = new AttributeClassifier(model.Options.Nc, model.Options.ImageSize);
        var report = classifier.Train(cache, labels, o.Epochs, o.Seed, log);
        log?.Invoke($"classifier ({labels.Description}): held-out accuracy {report.HeldOutAccuracy:P1} " +
            $"(balanced {report.HeldOutBalancedAccuracy:P1}) on {report.HeldOutImages} images");
        // A classifier that cannot see the attribute labels at random, and a vector fitted to random labels still
        // "validates" on them. One-sided test against chance: balanced accuracy above 0.5 + 2.33 standard errors (p < 0.01).
        double bound = 0.5 + 2.33 * Math.Sqrt(0.25 / Math.Max(1, report.HeldOutImages));
        if (report.HeldOutBalancedAccuracy <= bound)
        {
            string figures = $"balanced accuracy {report.HeldOutBalancedAccuracy:P1} on {report.HeldOutImages} held-out images, " +
                $"where telling it from chance takes above {bound:P1}";
            if (!o.AllowChance)
                throw new InputException("attribute", InputProblem.Invalid,
                    $": the classifier is at chance for this attribute ({figures}): its labels would be noise. " +
                    "Choose an attribute it can see, train it longer (`epochs`), or add `force` to use it anyway");
            log?.Invoke($"warning: the classifier is at chance ({figures}); going on as asked");
        }

        var seeds = Enumerable.Range(0, o.Count).Select(i => o.FirstSeed + i).ToList();
        var probabilities = new List<float>();
        foreach (var chunk in seeds.Chunk(256))
        {
            using var scope = NewDisposeScope();
            probabilities.AddRange(classifier.Probabilities(model.Sampler.Generate(model.LatentsFor(chunk))));
        }
        var with = seeds.Where((_, i) => probabilities[i] > o.Confidence).ToList();
        var without = seeds.Where((_, i) => probabilities[i] < 1 - o.Confidence).ToList();
        log?.Invoke($"generated {seeds.Count} images: {with.Count} with, {without.Count} without, " +
            $"{seeds.Count - with.Count - without.Count} unsure");

        var labelled = with.Concat(without).ToList();
        if (with.Count < AttributeFitter.MinimumPerSide || without.Count < AttributeFitter.MinimumPerSide)
            throw new InputException("n", InputProblem.OutOfRange, $": the classifier found {with.Count} generated images with and " +
                $"{without.Count} without the attribute at confidence {o.Confidence}; generate more (`n`) or lower `confidence`");
        using var z = model.LatentsFor(labelled);
        var (direction, validation) = AttributeFitter.FitAndValidate(o.Method, z, labelled.Select((_, i) => i < with.Count).ToArray());
        var vector = new AttributeVector
        {
            Name = o.Name, Method = o.Method, Nz = model.Options.Nz, ModelHash = model.Hash, SeedsWith = with, SeedsWithout = without,
            Norm = direction.norm().item<float>(), Validation = validation, Vector = direction.data<float>().ToArray(),
        };
        return new AutoLabelResult(report, with, without, vector);
    }
}
