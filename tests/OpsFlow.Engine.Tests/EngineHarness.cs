using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Engine.Telemetry;
using Xunit.Sdk;

namespace OpsFlow.Engine.Tests;

/// <summary>
/// An engine on an in-memory store, in-process timers and a fake clock. Waiting is event-driven (an observer
/// signals every committed change) with a real-time guard, so a broken engine fails a test instead of hanging it.
/// </summary>
public sealed class EngineHarness : IAsyncDisposable, IRunObserver
{
    public static readonly DateTimeOffset Start = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(15);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public EngineHarness(
        IRunStore? store = null,
        FakeTimeProvider? clock = null,
        InMemoryWorkflowCatalog? catalog = null,
        EngineOptions? options = null,
        IReadOnlyList<IRunObserver>? observers = null,
        ISecretSource? secrets = null,
        IRunDispatcher? dispatcher = null,
        EngineTelemetry? telemetry = null,
        IRunOwnership? ownership = null)
    {
        Clock = clock ?? new FakeTimeProvider(Start);
        Store = store ?? new InMemoryRunStore();
        Catalog = catalog ?? new InMemoryWorkflowCatalog();
        Timers = new InProcessTimers(Clock, () => Engine!);
        Engine = new WorkflowEngine(Store, Catalog, Timers, [.. observers ?? [], this], Clock, options ?? new EngineOptions(), NullLogger<WorkflowEngine>.Instance, secrets, dispatcher, telemetry, ownership);
    }

    public static Actor Alice { get; } = Person("alice", Roles.Operator);
    public static Actor Bob { get; } = Person("bob", Roles.Operator, "ops-manager");
    public static Actor Dave { get; } = Person("dave", Roles.Operator, "ops-manager");
    public static Actor Carol { get; } = Person("carol", Roles.Admin);
    public static Actor Victor { get; } = Person("victor", Roles.Viewer);

    public FakeTimeProvider Clock { get; }

    public IRunStore Store { get; }

    public InMemoryWorkflowCatalog Catalog { get; }

    public InProcessTimers Timers { get; }

    public WorkflowEngine Engine { get; }

    public static Actor Person(string id, params string[] roles) => new(id, char.ToUpperInvariant(id[0]) + id[1..], new HashSet<string>(roles, StringComparer.OrdinalIgnoreCase));

    public EngineHarness Add(WorkflowDefinition definition)
    {
        Catalog.Add(definition);
        return this;
    }

    public async Task<RunRecord> StartAsync(string workflow, Actor? by = null, params (string Name, string Value)[] parameters)
    {
        var result = await Engine.StartAsync(new StartRunRequest(
            workflow,
            parameters.ToDictionary(p => p.Name, p => (string?)p.Value),
            by ?? Alice,
            "test"));
        return Assert.IsType<StartRunResult.Started>(result).Run;
    }

    public async Task<RunRecord> WaitForRunAsync(string runId, RunStatus status)
    {
        await WaitUntilAsync(async () => (await Store.GetRunAsync(runId))?.Status == status, $"run {runId} to be {status}", runId);
        return (await Store.GetRunAsync(runId))!;
    }

    public async Task<StepRecord> WaitForStepAsync(string runId, string step, StepStatus status)
    {
        await WaitUntilAsync(async () => (await StepAsync(runId, step)).Status == status, $"step {step} of run {runId} to be {status}", runId);
        return await StepAsync(runId, step);
    }

    public async Task<StepRecord> StepAsync(string runId, string step) =>
        (await Store.GetStepsAsync(runId)).Single(s => s.Name == step);

    public async Task<string> HistoryTextAsync(string runId) =>
        string.Join(Environment.NewLine, (await Store.GetHistoryAsync(runId)).Select(h => $"{h.Seq} {h.Kind} {h.Step} {h.From}->{h.To} {h.Actor}: {h.Reason}"));

    public async Task WaitUntilAsync(Func<Task<bool>> condition, string what, string? runId = null)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var signal = _changed.Task;
            if (await condition())
            {
                return;
            }

            // Woken by the next committed change, or re-checked every 50 ms for conditions no change announces.
            var left = Guard - watch.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                var history = runId is null ? string.Empty : Environment.NewLine + await HistoryTextAsync(runId);
                throw new XunitException($"Timed out waiting for {what}.{history}");
            }

            await Task.WhenAny(signal, Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System));
        }
    }

    /// <summary>Waits until nothing more is in flight: lets background work settle before asserting "nothing happened".</summary>
    public static async Task SettleAsync() => await Task.Delay(TimeSpan.FromMilliseconds(150), TimeProvider.System);

    public ValueTask OnRunChangedAsync(RunChanged change, CancellationToken cancellationToken = default)
    {
        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        Timers.Dispose();
    }
}
