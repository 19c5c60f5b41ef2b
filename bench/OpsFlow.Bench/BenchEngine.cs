using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.InProcess;
using OpsFlow.Testing;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Persistence;

namespace OpsFlow.Bench;

/// <summary>An engine on a SQLite file (or in memory) that tells when each run ends.</summary>
internal sealed class BenchEngine : IRunObserver, IAsyncDisposable
{
    private static readonly Actor Runner = new("bench", "Bench", new HashSet<string> { Roles.Operator });
    private readonly ConcurrentDictionary<string, TaskCompletionSource<RunRecord>> _ends = new();
    private readonly ServiceProvider? _services;
    private readonly InProcessTimers _timers;

    public BenchEngine(string? databaseFile, InMemoryWorkflowCatalog catalog)
    {
        IRunStore store;
        if (databaseFile is null)
        {
            store = new InMemoryRunStore();
        }
        else
        {
            _services = new ServiceCollection()
                .AddSingleton(TimeProvider.System)
                .AddOpsFlowSqlite($"Data Source={databaseFile}")
                .BuildServiceProvider();
            store = _services.GetRequiredService<IRunStore>();
        }

        Store = store;
        _timers = new InProcessTimers(TimeProvider.System, () => Engine!);
        Engine = new WorkflowEngine(store, catalog, _timers, [this], TimeProvider.System, new EngineOptions(), NullLogger<WorkflowEngine>.Instance);
    }

    public WorkflowEngine Engine { get; }

    public IRunStore Store { get; }

    public async Task MigrateAsync()
    {
        if (_services is not null)
        {
            await _services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        }
    }

    public async Task<Task<RunRecord>> StartAsync(string workflow)
    {
        var result = await Engine.StartAsync(new StartRunRequest(workflow, new Dictionary<string, string?>(), Runner, "bench"));
        var run = ((StartRunResult.Started)result).Run;
        return Ended(run.Id);
    }

    public Task<RunRecord> Ended(string runId) =>
        _ends.GetOrAdd(runId, _ => new TaskCompletionSource<RunRecord>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public ValueTask OnRunChangedAsync(RunChanged change, CancellationToken cancellationToken = default)
    {
        if (StateMachine.IsTerminal(change.Run.Status))
        {
            _ends.GetOrAdd(change.Run.Id, _ => new TaskCompletionSource<RunRecord>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(change.Run);
        }

        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        _timers.Dispose();
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
    }

    /// <summary>A chain of <paramref name="steps"/> no-op steps, each recording when it started.</summary>
    public static WorkflowDefinition Chain(string name, int steps, ConcurrentQueue<long>? starts = null, Func<StepContext, Task>? at5 = null)
    {
        var workflow = new WorkflowBuilder(name);
        StepBuilder? previous = null;
        for (var i = 0; i < steps; i++)
        {
            var index = i;
            var step = workflow.Step($"s{i}", ctx =>
            {
                starts?.Enqueue(System.Diagnostics.Stopwatch.GetTimestamp());
                return index == 5 && at5 is not null ? at5(ctx) : Task.CompletedTask;
            });
            previous = previous is null ? step : step.After(previous);
        }

        return workflow.Build();
    }
}
