using System.CommandLine;
using System.CommandLine.Parsing;
using Spectre.Console;

namespace OpsFlow.Bot.Cli;

/// <summary>
/// `opsflow &lt;verb&gt; …`: validate scripts, start and watch a run, dry-run a workflow, list and show runs, from a
/// terminal, on the same configuration and database as the server (docs/cli.md). Exit codes: 0 success, 1 failure,
/// 2 bad usage.
/// </summary>
internal static class OpsFlowCommandLine
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadUsage = 2;

    /// <summary>
    /// True for the verbs and for a lone help flag. Any other first word is left to the server, so an
    /// argument the server understands is never taken for a command.
    /// </summary>
    public static bool Handles(IReadOnlyList<string> args)
    {
        var verbArgs = ConfigurationOverrides.Split(args).Verb;
        return verbArgs.Count > 0 && (CliCommands.VerbNames.Contains(verbArgs[0]) || (verbArgs.Count == 1 && verbArgs[0] is "--help" or "-h" or "-?"));
    }

    /// <summary>The entry point from Program.cs: the process console, Ctrl+C stops watching (never the run).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        using var stop = new CancellationTokenSource();
        void OnCancel(object? sender, ConsoleCancelEventArgs e)
        {
            // Keep the process alive long enough to say what happens to the run.
            e.Cancel = true;
            stop.Cancel();
        }

        Console.CancelKeyPress += OnCancel;
        try
        {
            var console = AnsiConsole.Console;
            if (Console.IsOutputRedirected)
            {
                // A log file or CI output is read with grep: one record per line, not wrapped at 80 columns.
                console.Profile.Width = 400;
            }

            var interactive = console.Profile.Capabilities.Interactive && !Console.IsInputRedirected && !Console.IsOutputRedirected;
            return await RunAsync(args, console, interactive, stop.Token);
        }
        finally
        {
            Console.CancelKeyPress -= OnCancel;
        }
    }

    /// <summary>Runs one verb against <paramref name="console"/>; tests call this with a test console.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, IAnsiConsole console, bool interactive, CancellationToken cancellationToken)
    {
        var (configuration, verbArgs) = ConfigurationOverrides.Split(args);
        var root = CliCommands.Create(new CliSession(console, interactive, configuration));
        var invocation = new InvocationConfiguration
        {
            Output = console.Profile.Out.Writer,
            Error = console.Profile.Out.Writer,
            // A verb's own errors are handled in CliSession; anything else is a bug and should crash loudly.
            EnableDefaultExceptionHandler = false,
        };
        if (!Handles(args))
        {
            await root.Parse(["--help"]).InvokeAsync(invocation, cancellationToken);
            return BadUsage;
        }

        var parsed = root.Parse(AsHelpRequest(verbArgs));
        if (parsed.Errors.Count == 0)
        {
            return await parsed.InvokeAsync(invocation, cancellationToken);
        }

        // System.CommandLine exits 1 on a parse error; 1 means "a run or script failed" here, so usage errors are 2.
        foreach (var error in parsed.Errors)
        {
            console.MarkupLineInterpolated($"[red]{error.Message}[/]");
        }

        console.WriteLine();
        await root.Parse([.. VerbPath(parsed.CommandResult, root), "--help"]).InvokeAsync(invocation, cancellationToken);
        return BadUsage;
    }

    /// <summary>The words that name the verb a parse reached, from the root down (`audit list`), for its help.</summary>
    private static List<string> VerbPath(CommandResult reached, Command root)
    {
        var path = new List<string>();
        for (var result = reached; result is not null && result.Command != root; result = result.Parent as CommandResult)
        {
            path.Insert(0, result.Command.Name);
        }

        return path;
    }

    /// <summary>`opsflow help [verb]` is the same as `opsflow [verb] --help`.</summary>
    private static IReadOnlyList<string> AsHelpRequest(IReadOnlyList<string> args) =>
        args.Count > 0 && args[0] == "help" ? [.. args.Skip(1), "--help"] : args;
}
