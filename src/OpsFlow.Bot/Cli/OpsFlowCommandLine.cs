using Spectre.Console;

namespace OpsFlow.Bot.Cli;

/// <summary>
/// `opsflow &lt;verb&gt; …`: validate scripts, start and watch a run, dry-run a workflow, list and show runs, from a
/// terminal, on the same configuration and database as the server. Exit codes: 0 success, 1 failure, 2 bad usage.
/// </summary>
internal static class OpsFlowCommandLine
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadUsage = 2;

    private static readonly Dictionary<string, Func<CliContext, Task<int>>> Verbs = new(StringComparer.Ordinal)
    {
        ["validate"] = ValidateVerb.RunAsync,
        ["run"] = RunVerb.RunAsync,
        ["plan"] = PlanVerb.RunAsync,
        ["runs"] = RunsVerb.RunAsync,
        ["show"] = ShowVerb.RunAsync,
    };

    /// <summary>Verbs that need only the configuration: no database, no scripts, so they work on a build machine.</summary>
    private static readonly Dictionary<string, Func<ConfigurationVerbContext, Task<int>>> ConfigurationVerbs = new(StringComparer.Ordinal)
    {
        ["package"] = PackageVerb.RunAsync,
    };

    /// <summary>
    /// True for the verbs and for a lone help flag. Any other first word is left to the server, so an argument the
    /// server understands is never taken for a command.
    /// </summary>
    public static bool Handles(IReadOnlyList<string> args) =>
        args.Count > 0 && (Verbs.ContainsKey(args[0]) || ConfigurationVerbs.ContainsKey(args[0]) || args[0] == "help" || (args.Count == 1 && args[0] is "--help" or "-h"));

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
        if (!Handles(args))
        {
            HelpVerb.Write(console);
            return BadUsage;
        }

        var (configuration, rest) = CliArgs.SplitConfiguration(args.Skip(1).ToArray());
        if (ConfigurationVerbs.TryGetValue(args[0], out var light) && !rest.Contains("--help") && !rest.Contains("-h"))
        {
            return await light(new ConfigurationVerbContext(console, configuration, rest, cancellationToken));
        }

        if (!Verbs.TryGetValue(args[0], out var verb) || rest.Contains("--help") || rest.Contains("-h"))
        {
            HelpVerb.Write(console);
            return Success;
        }

        await using var host = await CliHost.StartAsync(configuration, cancellationToken);
        var context = new CliContext(console, interactive, host, rest, cancellationToken);
        try
        {
            return await verb(context);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.MarkupLine("[yellow]Stopped.[/]");
            return Failure;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            CliLog.VerbFailed(host.Get<ILogger<CliHost>>(), ex, args[0]);
            console.MarkupLineInterpolated($"[red]error:[/] {ex.Message}");
            console.MarkupLineInterpolated($"[grey]details: the log in {host.LogsFolder}[/]");
            return Failure;
        }
    }
}

/// <summary>What a verb works with: the console, whether a person is at it, the services, its arguments.</summary>
internal sealed record CliContext(IAnsiConsole Console, bool Interactive, CliHost Host, IReadOnlyList<string> Args, CancellationToken CancellationToken)
{
    /// <summary>Parses the verb's arguments; on a bad option prints it with the help and returns null.</summary>
    public CliArgs? Parse(params string[] knownOptions) => ParseOrHelp(Console, Args, knownOptions);

    /// <summary>The arguments, or null after printing what is wrong and the help.</summary>
    internal static CliArgs? ParseOrHelp(IAnsiConsole console, IReadOnlyList<string> args, string[] knownOptions)
    {
        var parsed = CliArgs.Parse(args, knownOptions, out var error);
        if (error is null)
        {
            return parsed;
        }

        console.MarkupLineInterpolated($"[red]{error}[/]");
        console.WriteLine();
        HelpVerb.Write(console);
        return null;
    }
}

internal static partial class CliLog
{
    [LoggerMessage(9000, LogLevel.Error, "opsflow {Verb} failed")]
    public static partial void VerbFailed(ILogger logger, Exception exception, string verb);
}
