namespace Dcgan.Latent;

/// <summary>
/// How far a vector's validation can be trusted: a 95 % Wilson interval on its accuracy over the labels, and a
/// plain verdict. A few labels give wide intervals (6 labels at 50 %: 19 to 81 %), so a vector that visibly
/// works can score "50 %"; the verdict says so instead of letting the figure read as failure.
/// </summary>
internal sealed record VectorQuality(double AccuracyLow, double AccuracyHigh, bool EnoughLabels, string Verdict)
{
    public const int LabelsPerSideToJudge = 10;

    public static VectorQuality? Of(VectorValidation? validation, int with, int without)
    {
        if (validation is null) return null;
        int n = with + without;
        const double z = 1.96;
        double p = validation.Accuracy, denominator = 1 + z * z / n;
        double centre = (p + z * z / (2 * n)) / denominator;
        double half = z * Math.Sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / denominator;
        var (low, high) = (Math.Max(0, centre - half), Math.Min(1, centre + half));
        bool enough = validation.HeldOut && with >= LabelsPerSideToJudge && without >= LabelsPerSideToJudge;
        string verdict = !enough
            ? $"too few labels to judge ({with} with, {without} without): label at least {LabelsPerSideToJudge} of each; " +
                "the edit may still work, so look at it"
            : low > 0.5
                ? "separates held-out labels better than chance"
                : "not distinguishable from chance with these labels: label more, or the attribute may not be one direction in z";
        return new VectorQuality(low, high, enough, verdict);
    }
}
