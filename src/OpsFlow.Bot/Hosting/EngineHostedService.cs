using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Ports;
using OpsFlow.Persistence;

namespace OpsFlow.Bot.Hosting;

/// <summary>
/// Before anything starts (the web server included, so no request meets an unmigrated database): migrate the
/// database, run the startup steps (loading workflows), then resume every run that was active when the host last stopped or died. At stop,
/// before the other services stop: no new step starts, running steps get OpsFlow:Engine:ShutdownGracePeriod to finish; any still running
/// then are re-run at the next start (at-least-once).
/// </summary>
internal sealed partial class EngineHostedService(
    DatabaseMigrator migrator,
    WorkflowEngine engine,
    EngineOptions options,
    IEnumerable<IStartupStep> startupSteps,
    OpsFlowDatabase database,
    ILogger<EngineHostedService> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await migrator.MigrateAsync(cancellationToken);
        LogDatabaseReady(logger, WithoutSecrets(database.ConnectionString));
        foreach (var step in startupSteps)
        {
            await step.RunAsync(cancellationToken);
        }

        await engine.RecoverAsync(cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// SIGTERM, Ctrl+C: running steps get the grace period to finish and be saved (see WorkflowEngine.DrainAsync). In
    /// the stopping phase, before any service stops: Quartz stops in the next phase, and the steps finishing meanwhile
    /// still arm their retry timers and tell it about their runs.
    /// </summary>
    public async Task StoppingAsync(CancellationToken cancellationToken) => await engine.DrainAsync(options.ShutdownGracePeriod, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A connection string fit for a log line: passwords removed.</summary>
    private static string WithoutSecrets(string connectionString)
    {
        var builder = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        foreach (var key in new[] { "Password", "Pwd" })
        {
            builder.Remove(key);
        }

        return builder.ConnectionString;
    }

    [LoggerMessage(9001, LogLevel.Information, "Database ready ({ConnectionString})")]
    private static partial void LogDatabaseReady(ILogger logger, string connectionString);
}
