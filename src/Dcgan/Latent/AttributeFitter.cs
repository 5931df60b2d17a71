using static TorchSharp.torch;

namespace Dcgan.Latent;

/// <summary>
/// Fits attribute directions from labelled latents:
/// mean-diff v = mean(z | A) - mean(z | not A) (DCGAN paper, White 2016);
/// balanced: the same with each cell of A x B weighted equally, which removes a correlated attribute B's share
/// (White's replication to equal cell sizes gives exactly the mean of the cell means);
/// svm: the unit normal of a linear max-margin boundary through the origin (InterFaceGAN).
/// </summary>
internal static class AttributeFitter
{
    public const int MinimumPerSide = 2;

    public static Tensor Direction(AttributeMethod method, Tensor z, bool[] labels, bool[]? correlated = null)
    {
        var flat = LatentMath.Flat(z).to(ScalarType.Float64);
        int positives = labels.Count(l => l), negatives = labels.Length - positives;
        if (positives < MinimumPerSide || negatives < MinimumPerSide)
            throw new InputException("labels", InputProblem.Invalid, $": an attribute vector needs at least {MinimumPerSide} images with and {MinimumPerSide} " +
                $"without the attribute (got {positives} with, {negatives} without)");
        using var scope = NewDisposeScope();
        var v = method switch
        {
            AttributeMethod.MeanDiff => Mean(flat, labels, true).sub(Mean(flat, labels, false)),
            AttributeMethod.Balanced => correlated is null
                ? Mean(flat, labels, true).sub(Mean(flat, labels, false))
                : CellMean(flat, labels, correlated, true).sub(CellMean(flat, labels, correlated, false)),
            AttributeMethod.Svm => LinearSvm(flat, labels),
            _ => throw new InputException("method", InputProblem.Invalid, $": {method} is not a supervised method; use mean-diff, balanced or svm"),
        };
        return v.to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>Fits on all labels and validates with stratified k-fold cross-validation (k up to 5).</summary>
    public static (Tensor Direction, VectorValidation Validation) FitAndValidate(AttributeMethod method, Tensor z, bool[] labels,
        bool[]? correlated = null)
    {
        var direction = Direction(method, z, labels, correlated);
        return (direction, CrossValidate(method, z, labels, correlated));
    }

    public static VectorValidation CrossValidate(AttributeMethod method, Tensor z, bool[] labels, bool[]? correlated = null)
    {
        int positives = labels.Count(l => l), negatives = labels.Length - positives;
        int folds = Math.Min(5, Math.Min(positives, negatives) / MinimumPerSide);
        using var scope = NewDisposeScope();
        var flat = LatentMath.Flat(z).to(ScalarType.Float64);
        if (folds < 2)
        {
            // Too few labels to hold any out: report the fit on the training labels, marked as such.
            var v = Direction(method, z, labels, correlated).to(ScalarType.Float64);
            var scores = flat.matmul(v).data<double>().ToArray();
            return new VectorValidation(Accuracy(scores, labels, Threshold(method, scores, labels)), RocAuc(scores, labels), 1,
                HeldOut: false);
        }
        // Stratified folds: the k-th positive and the k-th negative go to fold k mod folds.
        var fold = new int[labels.Length];
        int p = 0, n = 0;
        for (int i = 0; i < labels.Length; i++) fold[i] = labels[i] ? p++ % folds : n++ % folds;
        var heldScores = new double[labels.Length];
        var correct = 0;
        for (int f = 0; f < folds; f++)
        {
            var train = Enumerable.Range(0, labels.Length).Where(i => fold[i] != f).ToArray();
            var test = Enumerable.Range(0, labels.Length).Where(i => fold[i] == f).ToArray();
            var trainZ = flat.index_select(0, tensor(train.Select(i => (long)i).ToArray()));
            var v = Direction(method, trainZ, train.Select(i => labels[i]).ToArray(),
                correlated is null ? null : train.Select(i => correlated[i]).ToArray()).to(ScalarType.Float64);
            var trainScores = trainZ.matmul(v).data<double>().ToArray();
            double threshold = Threshold(method, trainScores, train.Select(i => labels[i]).ToArray());
            var testScores = flat.index_select(0, tensor(test.Select(i => (long)i).ToArray())).matmul(v).data<double>().ToArray();
            for (int k = 0; k < test.Length; k++)
            {
                heldScores[test[k]] = testScores[k];
                if (testScores[k] > threshold == labels[test[k]]) correct++;
            }
        }
        return new VectorValidation(correct / (double)labels.Length, RocAuc(heldScores, labels), folds, HeldOut: true);
    }

    /// <summary>ROC AUC of scores against labels: the chance that a random positive scores above a random negative.</summary>
    public static double RocAuc(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < scores.Count; i++)
        {
            if (!labels[i]) continue;
            for (int j = 0; j < scores.Count; j++)
            {
                if (labels[j]) continue;
                wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                pairs++;
            }
        }
        return pairs == 0 ? double.NaN : wins / pairs;
    }

    private static double Threshold(AttributeMethod method, double[] scores, bool[] labels)
    {
        if (method == AttributeMethod.Svm) return 0; // the boundary passes through the origin
        double meanWith = scores.Where((_, i) => labels[i]).Average(), meanWithout = scores.Where((_, i) => !labels[i]).Average();
        return (meanWith + meanWithout) / 2;
    }

    private static double Accuracy(double[] scores, bool[] labels, double threshold) =>
        scores.Where((s, i) => s > threshold == labels[i]).Count() / (double)labels.Length;

    private static Tensor Mean(Tensor z, bool[] labels, bool side) => z.index_select(0, Indices(labels, l => l == side)).mean([0]);

    private static Tensor CellMean(Tensor z, bool[] labels, bool[] correlated, bool side)
    {
        var cells = new List<Tensor>();
        foreach (bool b in new[] { true, false })
        {
            var idx = Enumerable.Range(0, labels.Length).Where(i => labels[i] == side && correlated[i] == b).Select(i => (long)i).ToArray();
            if (idx.Length == 0)
                throw new InputException("labels", InputProblem.Invalid, $": balanced: no image is {(side ? "with" : "without")} the attribute " +
                    $"and {(b ? "with" : "without")} the correlated one; label some or use mean-diff");
            cells.Add(z.index_select(0, tensor(idx)).mean([0]));
        }
        return stack(cells).mean([0]);
    }

    private static Tensor Indices(bool[] labels, Func<bool, bool> keep) =>
        tensor(Enumerable.Range(0, labels.Length).Where(i => keep(labels[i])).Select(i => (long)i).ToArray());

    /// <summary>Soft-margin linear SVM through the origin, class-balanced: squared hinge loss plus L2, full-batch Adam.</summary>
    private static Tensor LinearSvm(Tensor z, bool[] labels, double regularisation = 1e-3, int iterations = 400)
    {
        var y = tensor(labels.Select(l => l ? 1.0 : -1.0).ToArray());
        int positives = labels.Count(l => l);
        var weights = tensor(labels.Select(l => 0.5 / (l ? positives : labels.Length - positives)).ToArray());
        // Start from the mean difference, scaled to unit norm: already a fair direction.
        var start = Mean(z, labels, true).sub(Mean(z, labels, false));
        var w = new TorchSharp.Modules.Parameter(start.div(start.norm().clamp_min(1e-12)).detach());
        using var optimizer = optim.Adam(new[] { w }, lr: 0.01);
        for (int i = 0; i < iterations; i++)
        {
            using var step = NewDisposeScope();
            optimizer.zero_grad();
            var margins = z.matmul(w).mul(y);
            var loss = nn.functional.relu(margins.neg().add(1)).square().mul(weights).sum().add(w.square().sum().mul(regularisation / 2));
            loss.backward();
            optimizer.step();
        }
        var direction = w.detach().clone();
        return direction.div(direction.norm());
    }
}
