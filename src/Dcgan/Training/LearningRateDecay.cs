using System.Globalization;

namespace Dcgan.Training;

/// <summary>
/// Both learning rates held until step <see cref="From"/>, then falling linearly to 0 at step <see cref="To"/> (and 0
/// after it), as pix2pix and CycleGAN end their runs; the tutorial has none. The rate of a step depends on the step alone,
/// so a resumed run takes the same steps as an uninterrupted one.
/// </summary>
internal sealed record LearningRateDecay
{
    public long From { get; init; }
    public long To { get; init; }

    /// <summary>What the base learning rates are multiplied by at (0-based) step <paramref name="step"/>.</summary>
    public double Factor(long step) =>
        step < From ? 1 : step >= To ? 0 : (double)(To - step) / (To - From);

    /// <summary>
    /// Whether the decay lowered the rate of any of the first <paramref name="steps"/> steps (0-based 0 to steps - 1). Step
    /// <see cref="From"/> itself still trains at the full rate, so a run at step From + 1 has not felt it yet.
    /// </summary>
    public bool LoweredAnyOf(long steps) => steps > From + 1;

    public override string ToString() => $"{From}-{To}";

    /// <summary>"FROM-TO", two step numbers, e.g. 9000-12000.</summary>
    public static LearningRateDecay Parse(string text)
    {
        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long from)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long to))
            throw new InputException("lrDecay", InputProblem.Invalid,
                $"takes FROM-TO, the steps where the decay starts and where the learning rates reach 0, e.g. 9000-12000 (got '{text}')");
        return new LearningRateDecay { From = from, To = to };
    }
}
