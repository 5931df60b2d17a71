using System.CommandLine;

namespace Dcgan.Cli.Commands;

/// <summary>Parses, reports the first problem on one line, and turns library exceptions into clear exit codes.</summary>
public static class CommandRunner
{
    public const int UsageError = 2, Failure = 1;

    public static int Run(RootCommand root, string[] args)
    {
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            string command = parsed.CommandResult.Command == root ? "dcgan" : $"dcgan {parsed.CommandResult.Command.Name}";
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
        catch (Exception e) when (e is ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or InvalidOperationException)
        {
            Console.Error.WriteLine($"dcgan {command}: {e.Message}");
            return e is ArgumentException ? UsageError : Failure;
        }
        catch (Exception e)
        {
            // Not an input problem: say what happened on the first line, then the trace for a bug report.
            Console.Error.WriteLine($"dcgan {command}: unexpected error: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
            Console.Error.WriteLine(e);
            return Failure;
        }
    }
}
