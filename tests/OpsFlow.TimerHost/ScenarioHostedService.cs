using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Persistence;
using OpsFlow.Scheduling;

namespace OpsFlow.TimerHost;

/// <summary>
/// What the bot's EngineHostedService does at start (migrate, declared schedules, recover), then the scenario's
/// one run on a fresh database. At stop: the engine halts its coordinators.
/// </summary>
internal sealed class ScenarioHostedService(string scenario, IServiceProvider services) : IHostedLifecycleService
{
    private WorkflowEngine Engine => services.GetRequiredService<WorkflowEngine>();

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
        if (scenario == TimerWorkflows.Schedule)
        {
            await services.GetRequiredService<QuartzRunSchedules>().SyncDeclaredAsync(cancellationToken);
        }

        if (scenario == TimerWorkflows.Job)
        {
            // The engine's own start-up recovery is left out: the run must come back through Quartz alone, as it
            // will on a cluster, where the host that died is not the one that starts.
            Console.WriteLine("recovery left to Quartz");
            return;
        }

        var resumed = await Engine.RecoverAsync(cancellationToken);
        Console.WriteLine($"resumed {resumed}");
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>After Quartz started: the run begins only on an empty database, so a restart starts nothing.</summary>
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<IRunStore>();
        if (scenario == TimerWorkflows.Schedule || (await store.ListRunsAsync(new RunQuery { Take = 1 }, cancellationToken)).Total > 0)
        {
            Console.WriteLine("ready");
            return;
        }

        var actor = new Actor("timer-test", "Timer Test", new HashSet<string> { Roles.Operator });
        var result = await Engine.StartAsync(new StartRunRequest(scenario, new Dictionary<string, string?>(), actor, "timer-test"), cancellationToken);
        Console.WriteLine($"ready; started {result}");
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken) => await Engine.DisposeAsync();

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
