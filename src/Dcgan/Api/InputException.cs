using System.Text.RegularExpressions;

namespace Dcgan;

/// <summary>What is wrong with a value a person or a program gave (stable: faces choose their wording and status by it).</summary>
public enum InputProblem
{
    /// <summary>A number outside the range the setting takes.</summary>
    OutOfRange,
    /// <summary>A value of the wrong form (a name, a list, a kind of file).</summary>
    Invalid,
    /// <summary>Something named that does not exist (a file, a folder, a model).</summary>
    NotFound,
    /// <summary>Settings that do not go together, or one given without the other it needs.</summary>
    Conflict,
    /// <summary>More than the setting may ask for (images, memory, bytes).</summary>
    TooLarge,
    /// <summary>A vector fitted on another model (its directions may mean something else there).</summary>
    OtherModel,
    /// <summary>A training run's data set changed since the run started.</summary>
    DataChanged,
    /// <summary>A run folder that already holds a run, where a new one was asked for.</summary>
    RunExists,
    /// <summary>A run asked to resume that has no checkpoint to resume from.</summary>
    NoCheckpoint,
    /// <summary>A run folder another process is training into.</summary>
    RunLocked,
}

/// <summary>
/// A value the library cannot use: which setting (by the library's name, e.g. <c>batchSize</c>), what kind of problem,
/// and why, e.g. "batchSize must be between 2 and 4096 (got 1); BatchNorm needs at least 2". Anything else the library
/// throws is a fault of the files, the machine or the library itself, not of the caller's input.
/// </summary>
public sealed class InputException : ArgumentException
{
    private readonly string template;

    /// <summary>
    /// A problem with <paramref name="setting"/>. <paramref name="reason"/> follows the setting's name ("must be at least 2",
    /// or ": 'x' is not a name"); other settings it mentions are written in backquotes (`augment`), so that each face can
    /// show them in its own words.
    /// </summary>
    internal InputException(string setting, InputProblem problem, string reason, Exception? inner = null)
        : base(null, setting, inner)
    {
        Setting = setting;
        Problem = problem;
        Reason = reason;
        // A face may name the setting in its own words already (--strengths): those are shown as given.
        string named = SettingText.IsName(setting) ? $"`{setting}`" : setting;
        template = named.Length == 0 ? reason : reason.StartsWith(':') || reason.StartsWith(' ') ? $"{named}{reason}" : $"{named} {reason}";
    }

    private InputException(string setting, InputProblem problem, string template, Exception inner, bool _)
        : base(null, setting, inner)
    {
        Setting = setting;
        Problem = problem;
        this.template = template;
    }

    /// <summary>The same problem with the settings named by <paramref name="rename"/>: a layer whose own names differ.</summary>
    internal InputException Renamed(Func<string, string> rename) =>
        new(rename(Setting), Problem, SettingText.Render(template, name => $"`{rename(name)}`"), this, true);

    /// <summary>What follows the setting's name in the message (other settings in backquotes): for a face that adds to it.</summary>
    internal string Reason { get; } = "";

    /// <summary>The setting at fault, by the library's name (a parameter or property name, camelCase).</summary>
    public string Setting { get; }

    /// <summary>What kind of problem it is.</summary>
    public InputProblem Problem { get; }

    /// <summary>The explanation with the settings named as the library names them.</summary>
    public override string Message => Describe(name => name);

    /// <summary>
    /// The explanation with every setting it names written by <paramref name="nameOf"/>: the command writes
    /// <c>batchSize</c> as <c>--batch-size</c>, a web page as its field's label.
    /// </summary>
    public string Describe(Func<string, string> nameOf) => SettingText.Render(template, nameOf);
}

/// <summary>
/// Library text that names settings in backquotes (`augment`, `lrD`): errors and the training health warnings. Each face
/// renders the names its own way; the library's own rendering drops the quotes.
/// </summary>
internal static partial class SettingText
{
    public static string Render(string text, Func<string, string> nameOf) => SettingName().Replace(text, m => nameOf(m.Groups[1].Value));

    public static string Plain(string text) => Render(text, name => name);

    public static bool IsName(string setting) => SettingName().IsMatch($"`{setting}`");

    [GeneratedRegex("`([A-Za-z][A-Za-z0-9]*)`")]
    private static partial Regex SettingName();
}
