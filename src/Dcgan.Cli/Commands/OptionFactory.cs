using System.CommandLine;

namespace Dcgan.Cli.Commands;

/// <summary>Small helpers so each command's option list reads as a table.</summary>
internal static class OptionFactory
{
    public static Option<T> Make<T>(string name, string description, T defaultValue) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue };

    public static Option<T?> Optional<T>(string name, string description) => new(name) { Description = description };

    public static Option<T> Required<T>(string name, string description) => new(name) { Description = description, Required = true };

    public static Command With(this Command command, params Option[] options)
    {
        foreach (var option in options) command.Options.Add(option);
        return command;
    }
}
