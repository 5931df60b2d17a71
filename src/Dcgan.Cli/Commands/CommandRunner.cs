using System.CommandLine;

namespace Dcgan.Cli.Commands;

/// <summary>Parses, reports the first problem on one line, and turns library exceptions into clear exit codes.</summary>
internal static class CommandRunner
{
    public const int UsageError = 2, Failure = 1;

    /// <summary>--verbose (any command): unexpected errors also print their stack trace, for a bug report.</summary>
    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Print the stack trace of unexpected errors (for a bug report).",
        Recursive = true
    };
    private static bool verbose;

    /// <summary>Every option name of every command: how a library setting's name becomes the flag a person typed.</summary>
    private static HashSet<string> flags = [];

    /// <summary>Library settings whose flag is not their name in kebab case.</summary>
    private static readonly Dictionary<string, string> FlagAliases = new()
    {
        ["emaDecay"] = "--ema", ["outDir"] = "--out", ["generatorActivation"] = "--g-activation", ["allowOtherModel"] = "--force",
        ["pcaSamples"] = "--samples", ["learningRate"] = "--lr", ["batchWindow"] = "--batch-wait", ["modelsDir"] = "--models",
    };

    /// <summary>A setting as the command line writes it: batchSize as --batch-size (where a command has that flag).</summary>
    public static string FlagFor(string setting)
    {
        string kebab = "--" + System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(setting);
        if (flags.Contains(kebab)) return kebab;
        return FlagAliases.TryGetValue(setting, out string? alias) ? alias : setting;
    }

    public static int Run(RootCommand root, string[] args)
    {
        if (!root.Options.Contains(Verbose)) root.Options.Add(Verbose);
        flags = [.. AllCommands(root).SelectMany(c => c.Options).SelectMany(o => o.Aliases.Prepend(o.Name))];
        var parsed = root.Parse(args);
        verbose = parsed.GetValue(Verbose);
        if (parsed.Errors.Count > 0)
        {
            // The whole path of a subcommand ("dcgan attribute apply"), so the help it points to exists.
            var names = new List<string>();
            for (var result = parsed.CommandResult; result.Command != root && result.Parent is System.CommandLine.Parsing.CommandResult parent;
                 result = parent)
                names.Insert(0, result.Command.Name);
            string command = string.Join(' ', ["dcgan", .. names]);
            Console.Error.WriteLine($"{command}: {FirstProblem(parsed)} (see '{command} --help')");
            return UsageError;
        }
        return parsed.Invoke();
    }

    // System.CommandLine's "Cannot parse argument 'abc' for option '--n' as expected type 'System.Int32'.": .NET type names.
    private static readonly System.Text.RegularExpressions.Regex TypeError = new(
        @"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type '(?<type>[^']+)'");

    /// <summary>The parser's first problem in a person's words: a mistyped command named, a value's expected kind said plainly.</summary>
    private static string FirstProblem(ParseResult parsed)
    {
        var group = parsed.CommandResult.Command;
        // "dcgan foo" reads "Required command was not provided": the unknown word is what to name, with the choices.
        if (group.Subcommands.Count > 0 && parsed.UnmatchedTokens.Count > 0 && !parsed.UnmatchedTokens[0].StartsWith('-'))
            return $"'{parsed.UnmatchedTokens[0]}' is not a command here; the commands are " +
                string.Join(", ", group.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
        string message = parsed.Errors[0].Message;
        if (group.Subcommands.Count > 0 && message.StartsWith("Required command was not provided", StringComparison.Ordinal))
            return "give a command: " + string.Join(", ", group.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
        var match = TypeError.Match(message);
        if (!match.Success) return message;
        string type = match.Groups["type"].Value, expected =
            type.Contains("System.Int32") ? $"a whole number up to {int.MaxValue}"
            : type.Contains("System.Int64") ? $"a whole number up to {long.MaxValue}"
            : type.Contains("System.Double") || type.Contains("System.Single") ? "a number (e.g. 0.5 or 2e-4)"
            : type.Contains("System.Boolean") ? "true or false"
            : "a value of another kind";
        return $"{match.Groups["option"].Value}: '{match.Groups["value"].Value}' is not {expected}";
    }

    /// <summary>The command's own check of what a person typed, already in its words (flags included): a usage error.</summary>
    public static InputException Usage(string message) => new("", InputProblem.Invalid, message);

    /// <summary>Runs a command body; expected failures (bad input, missing files) print one line, not a stack trace.</summary>
    public static int Guard(string command, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (InputException e)
        {
            // The library names its settings; the command words them as the flags the person typed.
            string hint = e.Problem == InputProblem.OtherModel ? " (add --force to apply it anyway)" : "";
            Console.Error.WriteLine($"dcgan {command}: {e.Describe(FlagFor)}{hint}");
            if (verbose) Console.Error.WriteLine(e);
            // As before the typed error: a missing thing or a run's state is a failure, a bad value a usage error.
            return e.Problem is InputProblem.NotFound or InputProblem.RunLocked or InputProblem.RunExists or InputProblem.NoCheckpoint
                or InputProblem.DataChanged ? Failure : UsageError;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException
                                       or InvalidOperationException or UnauthorizedAccessException or HttpRequestException or IOException)
        {
            // Files and the disk (full, read-only, a path under a file) and the network are the world, not a bug: one line.
            string detail = e is HttpRequestException http
                ? $"could not reach the studio: {http.Message} (is `dcgan serve` running there?)"
                : SettingText.Render(e.Message, FlagFor); // settings the library names in its advice, as flags
            Console.Error.WriteLine($"dcgan {command}: {detail}");
            if (verbose) Console.Error.WriteLine(e);
            return Failure;
        }
        catch (Exception e)
        {
            // Not an input problem: say what happened on one line; the trace with --verbose, for a bug report.
            Console.Error.WriteLine($"dcgan {command}: unexpected error: {e.GetType().Name}: {e.Message.Split('\n')[0]}" +
                (verbose ? "" : " (--verbose shows where)"));
            if (verbose) Console.Error.WriteLine(e);
            return Failure;
        }
    }

    private static IEnumerable<Command> AllCommands(Command command) => command.Subcommands.SelectMany(AllCommands).Prepend(command);
}
