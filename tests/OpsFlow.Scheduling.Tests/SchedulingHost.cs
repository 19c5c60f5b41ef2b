using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Ports;
using Quartz;

namespace OpsFlow.Scheduling.Tests;

/// <summary>Records every timer the scheduler hands back, instead of an engine.</summary>
public sealed class TimerLog : IWorkflowTimerHandler
{
    private readonly ConcurrentQueue<(WorkflowTimer Timer, DateTimeOffset At)> _fired = new();

    public IReadOnlyList<(WorkflowTimer Timer, DateTimeOffset At)> Fired => [.. _fired];

    public Task<bool> OnTimerAsync(WorkflowTimer timer, CancellationToken cancellationToken = default)
    {
        _fired.Enqueue((timer, TimeProvider.System.GetUtcNow()));
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

    public static async Task<SchedulingHost> StartAsync(string folder, InMemoryWorkflowCatalog catalog, IRunStore store, TimerLog? timers = null)
    {
        Directory.CreateDirectory(folder);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton<IWorkflowCatalog>(catalog);
        builder.Services.AddSingleton(new EngineOptions());
        builder.Services.AddSingleton<WorkflowEngine>();
        builder.Services.AddOpsFlowQuartz($"Data Source={Path.Combine(folder, "opsflow.db")}");
        if (timers is not null)
        {
            builder.Services.AddSingleton<IWorkflowTimerHandler>(timers);
        }

        var host = builder.Build();
        await host.StartAsync();
        return new SchedulingHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        // The container disposes the engine, which is only asynchronously disposable.
        await ((IAsyncDisposable)_host).DisposeAsync();
    }

    public static string NewFolder() => Path.Combine(Path.GetTempPath(), "opsflow-scheduling-tests", Guid.NewGuid().ToString("N")[..8]);
}
