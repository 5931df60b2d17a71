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

    public static int Run(RootCommand root, string[] args)
    {
        if (!root.Options.Contains(Verbose)) root.Options.Add(Verbose);
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
            Console.Error.WriteLine($"{command}: {parsed.Errors[0].Message} (see '{command} --help')");
            return UsageError;
        }
        return parsed.Invoke();
    }

    /// <summary>Runs a command body; expected failures (bad input, missing files) print one line, not a stack trace.</summary>
    public static int Guard(string command, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException
                                       or InvalidOperationException or UnauthorizedAccessException or HttpRequestException or IOException)
        {
            // Files and the disk (full, read-only, a path under a file) and the network are the world, not a bug: one line.
            string detail = e is HttpRequestException http
                ? $"could not reach the studio: {http.Message} (is `dcgan serve` running there?)"
                : e.Message;
            Console.Error.WriteLine($"dcgan {command}: {detail}");
            if (verbose) Console.Error.WriteLine(e);
            return e is ArgumentException ? UsageError : Failure;
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
}
