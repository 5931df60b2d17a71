using Dcgan.Latent;

namespace Dcgan.Input;

/// <summary>
/// Text a person types (command flags, query strings, the page's fields) turned into values, with the mistake named:
/// seed lists, strengths, fitting methods. The command and the studio both parse with these, so they accept the same
/// things and say the same words.
/// </summary>
internal static class UserInput
{
    /// <summary>
    /// Parses seed lists as a person writes them: "3,7,12-20"; more than <paramref name="maxCount"/> seeds is refused before any is listed.
    /// </summary>
    public static IReadOnlyList<long> SeedList(string text, int maxCount = 100_000, string setting = "seeds")
    {
        var seeds = new List<long>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var range = part.Split('-', 2);
            if (range.Length == 2 && long.TryParse(range[0], out long from) && long.TryParse(range[1], out long to) &&
                from >= 0 && to >= from)
            {
                if (to - from >= maxCount - seeds.Count)
                    throw new InputException(setting, InputProblem.TooLarge, $": too many seeds: '{part}' takes the list past {maxCount}");
                for (long s = from; s <= to; s++) seeds.Add(s);
            }
            else if (long.TryParse(part, out long seed) && seed >= 0)
            {
                if (seeds.Count >= maxCount) throw new InputException(setting, InputProblem.TooLarge, $": too many seeds: at most {maxCount}");
                seeds.Add(seed);
            }
            else throw new InputException(setting, InputProblem.Invalid, $": '{part}' is not a seed or a range of seeds (write e.g. 3,7,12-20)");
        }
        if (seeds.Count == 0) throw new InputException(setting, InputProblem.Invalid, ": the seed list is empty");
        return seeds;
    }

    /// <summary>The largest strength a slider or --strengths may ask for: far past any useful edit, short of overflow.</summary>
    public const double MaxStrength = 100;

    /// <summary>The strip's columns when none are given.</summary>
    public static readonly IReadOnlyList<double> DefaultStrengths = [-2, -1, 0, 1, 2];

    /// <summary>
    /// Strengths as a person writes them ("-2,-1,0,1,2"): 1 to 32 finite numbers within +-<see cref="MaxStrength"/>; none
    /// given (null) means <see cref="DefaultStrengths"/>, while an empty list or an empty entry ("1,,2") is a mistake to name.
    /// </summary>
    public static IReadOnlyList<double> Strengths(string? text, string parameter)
    {
        if (text is null) return DefaultStrengths;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Any(p => p.Length == 0) && parts.Length > 1)
            throw new InputException(parameter, InputProblem.Invalid, $": '{text}' has an empty entry; give numbers separated by single commas, e.g. -2,-1,0,1,2");
        if (parts is [""])
            throw new InputException(parameter, InputProblem.Invalid, ": is empty; give 1 to 32 numbers separated by commas, e.g. -2,-1,0,1,2");
        if (parts.Length > 32)
            throw new InputException(parameter, InputProblem.OutOfRange, $": give 1 to 32 strengths, comma-separated (got {parts.Length})");
        return parts.Select(p => Strength(p, parameter)).ToList();
    }

    public static double Strength(string text, string parameter)
    {
        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture,
                out double value) || !double.IsFinite(value))
            throw new InputException(parameter, InputProblem.Invalid, $": '{text}' is not a number");
        if (Math.Abs(value) > MaxStrength)
            throw new InputException(parameter, InputProblem.OutOfRange, $": {value} is out of range (-{MaxStrength} to {MaxStrength})");
        return value;
    }

    /// <summary>
    /// How often augmentation reaches an image: a probability from 0 to 1, or "auto" (adaptive: steered during training,
    /// starting at 0; the probability is then unused and given as 1).
    /// </summary>
    public static (double P, bool Adaptive) AugmentProbability(string text, string setting)
    {
        text = text.Trim();
        if (text == "auto") return (1, true);
        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double p)
            && p is >= 0 and <= 1)
            return (p, false);
        throw new InputException(setting, InputProblem.Invalid, $": '{text}' is not a probability; give a number from 0 to 1 (1: always), or auto");
    }

    /// <summary>A method that fits a vector to labels (sefa and pca discover directions; imported is a file's origin).</summary>
    public static AttributeMethod SupervisedMethod(string? text, string parameter) =>
        DcganJson.ParseEnum(text ?? "mean-diff", parameter, AttributeMethod.MeanDiff, AttributeMethod.Balanced, AttributeMethod.Svm);

    /// <summary>A method that discovers directions without labels.</summary>
    public static AttributeMethod DiscoveryMethod(string? text, string parameter) =>
        DcganJson.ParseEnum(text ?? "sefa", parameter, AttributeMethod.Sefa, AttributeMethod.Pca);
}
