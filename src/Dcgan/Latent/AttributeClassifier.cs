using Dcgan.Data;
using Dcgan.Imaging;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using TorchGenerator = TorchSharp.torch.Generator;

namespace Dcgan.Latent;

/// <summary>What training the classifier measured: the images used and the accuracy on the held-out fifth.</summary>
internal sealed record ClassifierReport(int TrainImages, int HeldOutImages, double HeldOutAccuracy, double HeldOutBalancedAccuracy);

/// <summary>
/// A small convolutional classifier for one binary attribute, trained on labelled real images so that generated
/// images can be labelled without a person clicking. It sees images exactly as G makes them ([-1, 1], the model's
/// size and channels). Classes are weighted equally, so a rare attribute is not ignored.
/// </summary>
internal sealed class AttributeClassifier : Module<Tensor, Tensor>
{
    private readonly Sequential main;

    public AttributeClassifier(int channels, int imageSize) : base(nameof(AttributeClassifier))
    {
        int reduced = imageSize / 8;
        main = Sequential(
            ("0", Conv2d(channels, 32, 4, stride: 2, padding: 1)), ("1", new Models.LeakyReLU(0.2)),
            ("2", Conv2d(32, 64, 4, stride: 2, padding: 1)), ("3", BatchNorm2d(64)), ("4", new Models.LeakyReLU(0.2)),
            ("5", Conv2d(64, 128, 4, stride: 2, padding: 1)), ("6", BatchNorm2d(128)), ("7", new Models.LeakyReLU(0.2)),
            ("8", Conv2d(128, 1, reduced)));
        RegisterComponents();
    }

    /// <summary>Images [B, C, H, W] in [-1, 1] -> logits [B].</summary>
    public override Tensor forward(Tensor images) => main.forward(images).view(-1);

    /// <summary>Trains on the labelled images of the cache (80 %) and reports accuracy on the other 20 %.</summary>
    public ClassifierReport Train(PixelCache cache, ImageLabels labels, int epochs = 8, long seed = 0, Action<string>? log = null)
    {
        var items = cache.Info.Names.Select((name, index) => (index, label: labels.For(name)))
            .Where(x => x.label is not null).Select(x => (x.index, label: x.label!.Value)).ToList();
        int positives = items.Count(x => x.label), negatives = items.Count - positives;
        if (positives < 4 || negatives < 4)
            throw new InputException("labels", InputProblem.Invalid, ": too few labelled images to train a classifier " +
                $"({labels.Description}: {positives} positive, {negatives} negative; at least 4 each)");

        // Hold out a fifth of the groups (variants of one picture stay together: no near-copies across the split).
        var groups = items.GroupBy(x => labels.GroupOf(cache.Info.Names[x.index])).ToList();
        var order = SeedMixer.Permutation(groups.Count, SeedMixer.Mix(seed, RandomStream.ClassifierSplit));
        int heldGroups = Math.Max(1, groups.Count / 5);
        var held = order.Take(heldGroups).SelectMany(i => groups[i]).ToList();
        var train = order.Skip(heldGroups).SelectMany(i => groups[i]).ToList();
        if (held.Count < 2 || train.Count(x => x.label) == 0 || train.Count(x => !x.label) == 0)
            throw new InputException("labels", InputProblem.Invalid, $": too few labelled groups to hold any out ({labels.Description})");
        int trainPositives = Math.Max(1, train.Count(x => x.label));
        var positiveWeight = tensor((float)(train.Count - trainPositives) / trainPositives);

        using var random = new TorchGenerator(SeedMixer.Mix(seed, RandomStream.ClassifierInit));
        // Seeded initialisation (no Dropout, whose draws would come from the global generator): the same labels and
        // seed give the same classifier.
        Models.WeightInit.Apply(this, random);
        using (no_grad()) foreach (var conv in modules().OfType<Conv2d>()) conv.bias?.zero_();
        var optimizer = optim.Adam(parameters(), 1e-3);
        const int batchSize = 64;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            this.train();
            var shuffled = SeedMixer.Permutation(train.Count, SeedMixer.Mix(seed, RandomStream.ClassifierShuffle, (ulong)epoch));
            double lossSum = 0;
            for (int start = 0; start < train.Count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var batch = shuffled.Skip(start).Take(batchSize).Select(i => train[i]).ToList();
                if (batch.Count < 2) continue; // BatchNorm needs two
                var images = Batch(cache, batch.Select(b => b.index).ToArray());
                // Random horizontal flips: faces and people stay what they are when mirrored.
                var flip = rand(batch.Count, generator: random).lt(0.5).view(-1, 1, 1, 1);
                images = where(flip, images.flip(3), images);
                var target = tensor(batch.Select(b => b.label ? 1f : 0f).ToArray());
                optimizer.zero_grad();
                var loss = functional.binary_cross_entropy_with_logits(forward(images), target, pos_weights: positiveWeight);
                loss.backward();
                optimizer.step();
                lossSum += loss.item<float>() * batch.Count;
            }
            log?.Invoke($"classifier epoch {epoch + 1}/{epochs}: loss {lossSum / train.Count:F4}");
        }

        var predicted = Probabilities(Batch(cache, held.Select(h => h.index).ToArray()));
        int correct = 0, truePositives = 0, trueNegatives = 0;
        for (int i = 0; i < held.Count; i++)
        {
            bool p = predicted[i] > 0.5;
            if (p == held[i].label) { correct++; if (p) truePositives++; else trueNegatives++; }
        }
        int heldPositives = held.Count(h => h.label), heldNegatives = held.Count - heldPositives;
        double balanced = 0.5 * ((heldPositives == 0 ? 1 : truePositives / (double)heldPositives) +
            (heldNegatives == 0 ? 1 : trueNegatives / (double)heldNegatives));
        return new ClassifierReport(train.Count, held.Count, correct / (double)held.Count, balanced);
    }

    /// <summary>P(attribute) per image, in eval mode, batched.</summary>
    public float[] Probabilities(Tensor images)
    {
        using var noGrad = no_grad();
        eval();
        var result = new List<float>();
        for (long start = 0; start < images.shape[0]; start += 256)
        {
            using var scope = NewDisposeScope();
            result.AddRange(forward(images.narrow(0, start, Math.Min(256, images.shape[0] - start))).sigmoid().data<float>().ToArray());
        }
        return result.ToArray();
    }

    private static Tensor Batch(PixelCache cache, int[] indices)
    {
        int size = cache.Info.Size;
        return PixelConverter.FromByteTensor(tensor(cache.Gather(indices), [indices.Length, cache.Info.Channels, size, size]));
    }
}
