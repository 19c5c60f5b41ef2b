using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace OpsFlow.Bot.Cli;

/// <summary>
/// System.CommandLine's help for a verb (or for all of them), followed by what no option describes: where
/// configuration comes from and what the exit codes mean, so a script author does not have to find docs/cli.md.
/// </summary>
internal sealed class CliHelp(HelpAction inner) : SynchronousCommandLineAction
{
    private static readonly string[] Footer =
    [
        "Configuration comes from appsettings.json, environment variables (OpsFlow__Section__Key) and --Section:Key=value overrides, as for the server.",
        "Exit codes: 0 success, 1 failure (a run that did not succeed, a script with problems, a broken audit chain), 2 bad usage or parameters.",
        "Without a verb the host starts the web server.",
    ];

    public override int Invoke(ParseResult parseResult)
    {
        var exit = inner.Invoke(parseResult);
        var output = parseResult.InvocationConfiguration.Output;
        foreach (var line in Footer)
        {
            output.WriteLine(line);
        }

        return exit;
    }

    /// <summary>Gives <paramref name="root"/> and every verb under it a help option whose text ends with the footer.</summary>
    public static void Install(Command root)
    {
        var option = new HelpOption { Recursive = true };
        if (option.Action is HelpAction help)
        {
            help.MaxWidth = 120;
            option.Action = new CliHelp(help);
        }

        root.Options.Add(option);
    }
}
