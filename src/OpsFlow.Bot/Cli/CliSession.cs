using Spectre.Console;

namespace OpsFlow.Bot.Cli;

/// <summary>
/// One invocation of `opsflow`: the console, whether a person is at it, and the configuration overrides. A verb's
/// action runs through here, which starts the host it needs and turns a stop or an unexpected error into an exit code.
/// </summary>
internal sealed class CliSession(IAnsiConsole console, bool interactive, IReadOnlyList<string> configuration)
{
    public IAnsiConsole Console => console;

    /// <summary>True when a person is at the console and can answer a question.</summary>
    public bool Interactive => interactive;

    /// <summary>A verb on the server's services: database migrated, scripts loaded.</summary>
    public async Task<int> RunAsync(string verb, Func<CliContext, Task<int>> body, CancellationToken cancellationToken)
    {
        await using var host = await CliHost.StartAsync(configuration, cancellationToken);
        var context = new CliContext(console, interactive, host, cancellationToken);
        try
        {
            return await body(context);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.MarkupLine("[yellow]Stopped.[/]");
            return OpsFlowCommandLine.Failure;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            CliLog.VerbFailed(host.Get<ILogger<CliHost>>(), ex, verb);
            console.MarkupLineInterpolated($"[red]error:[/] {ex.Message}");
            console.MarkupLineInterpolated($"[grey]details: the log in {host.LogsFolder}[/]");
            return OpsFlowCommandLine.Failure;
        }
    }

    /// <summary>A verb that needs only the configuration (no database, no scripts), so it works on a build machine.</summary>
    public Task<int> RunWithConfigurationAsync(Func<ConfigurationVerbContext, Task<int>> body, CancellationToken cancellationToken) =>
        body(new ConfigurationVerbContext(console, configuration, cancellationToken));
}

/// <summary>What a verb works with: the console, whether a person is at it, the services.</summary>
internal sealed record CliContext(IAnsiConsole Console, bool Interactive, CliHost Host, CancellationToken CancellationToken);

internal static partial class CliLog
{
    [LoggerMessage(9000, LogLevel.Error, "opsflow {Verb} failed")]
    public static partial void VerbFailed(ILogger logger, Exception exception, string verb);
}
