using System.Globalization;

namespace Dcgan.Web;

/// <summary>Parses request values with messages that name the parameter and the rule (turned into 400 problem details).</summary>
internal static class QueryParser
{
    public static long Long(string? text, string parameter, long min, long max, long? fallback = null)
    {
        if (string.IsNullOrEmpty(text))
            return fallback ?? throw new InputException(parameter, InputProblem.Invalid, $": required (an integer from {min} to {max})");
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value))
            throw new InputException(parameter, InputProblem.Invalid, $": '{text}' is not an integer");
        if (value < min || value > max) throw new InputException(parameter, InputProblem.OutOfRange, $": {value} is out of range ({min} to {max})");
        return value;
    }

    public static double Double(string? text, string parameter, double min, double max)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            throw new InputException(parameter, InputProblem.Invalid, $": '{text}' is not a number");
        if (value < min || value > max) throw new InputException(parameter, InputProblem.OutOfRange, $": {value} is out of range ({min} to {max})");
        return value;
    }

    public static bool Flag(string? text) => text is "1" or "true" or "on";

    public static IReadOnlyList<long> Seeds(string? text, string parameter, int maxCount)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new InputException(parameter, InputProblem.Invalid, ": required (seeds such as 3,7,12-20)");
        return Input.UserInput.SeedList(text, maxCount, parameter);
    }
}
