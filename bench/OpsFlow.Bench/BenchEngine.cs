using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Engine.Setup;
using OpsFlow.Persistence;
using OpsFlow.Persistence.Sqlite;
using OpsFlow.Testing;

namespace OpsFlow.Bench;

/// <summary>An engine on a SQLite file (or in memory) that tells when each run ends.</summary>
internal sealed class BenchEngine : IRunObserver, IAsyncDisposable
{
    private static readonly Actor Runner = new("bench", "Bench", new HashSet<string> { Roles.Operator });
    private readonly ConcurrentDictionary<string, TaskCompletionSource<RunRecord>> _ends = new();
    private readonly ServiceProvider _services;

    public BenchEngine(string? databaseFile, InMemoryWorkflowCatalog catalog, SqliteDurability durability = SqliteDurability.Process)
    {
        var services = new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddSingleton<IWorkflowCatalog>(catalog)
            .AddSingleton<IRunObserver>(this)
            .AddOpsFlowEngine();
        if (databaseFile is null)
        {
            services.AddSingleton<IRunStore>(new InMemoryRunStore());
        }
        else
        {
            services.AddOpsFlowSqlite(options =>
            {
                options.ConnectionString = $"Data Source={databaseFile}";
                options.Durability = durability;
            });
        }

        _services = services.BuildServiceProvider();
        Store = _services.GetRequiredService<IRunStore>();
        Engine = _services.GetRequiredService<WorkflowEngine>();
    }

    public WorkflowEngine Engine { get; }

    public IRunStore Store { get; }

    public async Task MigrateAsync()
    {
        if (_services.GetService<DatabaseMigrator>() is { } migrator)
        {
            await migrator.MigrateAsync();
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
        // The container disposes the engine first (it was made after its timers), then the timers and the store.
        await _services.DisposeAsync();

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
