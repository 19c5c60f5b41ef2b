using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Engine.Setup;
using OpsFlow.Persistence;
using OpsFlow.Persistence.Sqlite;
using Quartz;

namespace OpsFlow.Scheduling.Tests;

/// <summary>Records every timer the scheduler hands back, instead of an engine.</summary>
public sealed class TimerLog : IWorkflowTimerHandler
{
    /// <summary>
    /// The step of the timer a test arms due after the ones it checks. Quartz fires in due order, so once the sentinel
    /// fired, every earlier timer that was going to fire has: "it never fired" and "it fired once" are then known
    /// without guessing a sleep.
    /// </summary>
    public const string Sentinel = "sentinel";

    private readonly ConcurrentQueue<(WorkflowTimer Timer, DateTimeOffset At)> _fired = new();

    /// <summary>Every timer that fired, the sentinel excepted.</summary>
    public IReadOnlyList<(WorkflowTimer Timer, DateTimeOffset At)> Fired => [.. _fired.Where(f => f.Timer.Step != Sentinel)];

    /// <summary>Pulsed at every timer that fires.</summary>
    public Signal Changed { get; } = new();

    /// <summary>A sentinel timer due <paramref name="after"/> the given due time.</summary>
    public static WorkflowTimer SentinelAfter(DateTimeOffset dueAt, TimeSpan after) =>
        new("run1", Sentinel, TimerKind.Retry, dueAt + after, "the sentinel");

    public Task WaitForAnyAsync(string what) => Wait.UntilAsync(() => Fired.Count > 0, what, Changed);

    public Task WaitForSentinelAsync() => Wait.UntilAsync(() => _fired.Any(f => f.Timer.Step == Sentinel), "the sentinel timer to fire", Changed);

    public Task<bool> OnTimerAsync(WorkflowTimer timer, CancellationToken cancellationToken = default)
    {
        _fired.Enqueue((timer, TimeProvider.System.GetUtcNow()));
        Changed.Pulse();
        return Task.FromResult(true);
    }
}

/// <summary>
/// A generic host with Quartz on a SQLite file, an engine on an in-memory store, and the test's workflows. Two
/// hosts made on the same folder one after the other are the same installation restarted.
/// </summary>
public sealed class SchedulingHost : IAsyncDisposable
{
    private readonly IHost _host;

    private SchedulingHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public QuartzRunSchedules Schedules => Services.GetRequiredService<QuartzRunSchedules>();

    public IWorkflowTimers Timers => Services.GetRequiredService<IWorkflowTimers>();

    public WorkflowEngine Engine => Services.GetRequiredService<WorkflowEngine>();

    /// <summary>Who has which role; a test may take a role away while the host runs (the directory reads it at each firing).</summary>
    public static AccessOptions Access => new() { Roles = { [Roles.Operator] = ["olivia"] } };

    public static async Task<SchedulingHost> StartAsync(
        string folder, InMemoryWorkflowCatalog catalog, IRunStore store, TimerLog? timers = null, Action<IServiceCollection>? services = null, bool startScheduler = true)
    {
        Directory.CreateDirectory(folder);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton<IWorkflowCatalog>(catalog);
        builder.Services.AddOpsFlowEngine();
        // Schedules run in their creator's name with the roles configuration gives them: Olivia is the operator here.
        builder.Services.AddSingleton(Access);
        // Quartz's tables are the SQLite provider's to create; the runs stay in the test's store.
        var database = await MigratedSqliteAsync(Path.Combine(folder, "opsflow.db"));
        builder.Services.AddSingleton(database);
        builder.Services.AddOpsFlowScheduling(retention => retention.StepLogDays = 0);
        if (timers is not null)
        {
            builder.Services.AddSingleton<IWorkflowTimerHandler>(timers);
        }

        if (!startScheduler)
        {
            // Left Created for the test to start. Standby after the host started is no substitute: the hosted service
            // starts the scheduler after host start returns (AwaitApplicationStarted), so it could undo the standby.
            builder.Services.ConfigureAll<QuartzHostedServiceOptions>(options => options.AutoStart = false);
        }

        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new SchedulingHost(host);
    }

    /// <summary>The file migrated by the SQLite provider, described as that provider describes it to the scheduler.</summary>
    private static async Task<OpsFlowDatabase> MigratedSqliteAsync(string file)
    {
        await using var sqlite = new ServiceCollection().AddOpsFlowSqlite($"Data Source={file}").BuildServiceProvider();
        await sqlite.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        return sqlite.GetRequiredService<OpsFlowDatabase>();
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        // The container disposes the engine, which is only asynchronously disposable.
        await ((IAsyncDisposable)_host).DisposeAsync();
    }

    public static string NewFolder() => Path.Combine(Path.GetTempPath(), "opsflow-scheduling-tests", Guid.NewGuid().ToString("N")[..8]);
}
