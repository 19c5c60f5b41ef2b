using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Engine.Setup;
using OpsFlow.Engine.Telemetry;
using Xunit;
using Xunit.Sdk;

namespace OpsFlow.Testing;

/// <summary>
/// A real engine on an in-memory store (or the test's own), in-process timers and a fake clock (or the test's own).
/// Waits are event-driven: a <see cref="RunChangeSignal"/> observes every committed run change and wakes
/// <see cref="Wait"/> through <see cref="Changed"/>. The engine, chat and shipped-workflow tests all drive their
/// engine through this one.
/// </summary>
public sealed class EngineHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
    private readonly TimeSpan _within;
    private readonly bool _endsAreFinal;
    private readonly RunChangeSignal _changes = new();
    private readonly ServiceProvider _services;

    /// <param name="clock">A <see cref="FakeTimeProvider"/> at <see cref="Start"/> unless given; the system clock for real timers.</param>
    /// <param name="catalog">The workflows; an empty <see cref="InMemoryWorkflowCatalog"/> that <see cref="Add"/> fills unless given.</param>
    /// <param name="within">How long a wait may take in real time (scripts that compile or publish need longer).</param>
    /// <param name="endsAreFinal">A wait for a status fails as soon as the run ends otherwise, instead of at the time limit.</param>
    public EngineHarness(
        IRunStore? store = null,
        TimeProvider? clock = null,
        IWorkflowCatalog? catalog = null,
        EngineOptions? options = null,
        IReadOnlyList<IRunObserver>? observers = null,
        ISecretSource? secrets = null,
        IRunDispatcher? dispatcher = null,
        EngineTelemetry? telemetry = null,
        IRunOwnership? ownership = null,
        TimeSpan? within = null,
        bool endsAreFinal = false,
        IEmergencyStopStore? emergencyStops = null)
    {
        Time = clock ?? new FakeTimeProvider(Start);
        Store = store ?? new InMemoryRunStore();
        Catalog = catalog ?? new InMemoryWorkflowCatalog();
        _within = within ?? Wait.DefaultWithin;
        _endsAreFinal = endsAreFinal;
        // Wired as every host wires it (AddOpsFlowEngine), with the test's stand-ins for the ports.
        var services = new ServiceCollection()
            .AddSingleton(Time)
            .AddSingleton(Store)
            .AddSingleton(Catalog)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            // The test's options object itself, so that a test that keeps it sees what the engine sees.
            .AddSingleton(options ?? new EngineOptions())
            .AddOpsFlowEngine();
        foreach (var observer in (IEnumerable<IRunObserver>)[.. observers ?? [], _changes])
        {
            services.AddSingleton(observer);
        }

        AddIfGiven(services, secrets);
        AddIfGiven(services, dispatcher);
        AddIfGiven(services, telemetry);
        AddIfGiven(services, ownership);
        AddIfGiven(services, emergencyStops);
        _services = services.BuildServiceProvider();
        Timers = _services.GetRequiredService<InProcessTimers>();
        Engine = _services.GetRequiredService<WorkflowEngine>();
    }

    public static Actor Alice { get; } = Person("alice", Roles.Operator);
    public static Actor Bob { get; } = Person("bob", Roles.Operator, "ops-manager");
    public static Actor Dave { get; } = Person("dave", Roles.Operator, "ops-manager");
    public static Actor Carol { get; } = Person("carol", Roles.Admin);
    public static Actor Victor { get; } = Person("victor", Roles.Viewer);

    public TimeProvider Time { get; }

    /// <summary>The fake clock the engine runs on; a harness on the system clock has none.</summary>
    public FakeTimeProvider Clock => Time as FakeTimeProvider ?? throw new InvalidOperationException("This harness runs on a real clock.");

    public IRunStore Store { get; }

    public IWorkflowCatalog Catalog { get; }

    public InProcessTimers Timers { get; }

    public WorkflowEngine Engine { get; }

    /// <summary>Pulsed at every committed run change.</summary>
    public Signal Changed => _changes.Changed;

    private static void AddIfGiven<T>(IServiceCollection services, T? instance)
        where T : class
    {
        if (instance is not null)
        {
            services.AddSingleton(instance);
        }
    }

    /// <summary>A service of the engine as the host wires it (the emergency stop's commands, say).</summary>
    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    public static Actor Person(string id, params string[] roles) => new(id, char.ToUpperInvariant(id[0]) + id[1..], new HashSet<string>(roles, StringComparer.OrdinalIgnoreCase));

    public EngineHarness Add(WorkflowDefinition definition)
    {
        var catalog = Catalog as InMemoryWorkflowCatalog ?? throw new InvalidOperationException("Add needs the harness's in-memory catalog.");
        catalog.Add(definition);
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
        var run = await Wait.ForAsync(
            async () => (await Store.GetRunAsync(runId))!,
            r => r.Status == status || (_endsAreFinal && StateMachine.IsTerminal(r.Status)),
            $"run {runId} to be {status}",
            Changed,
            _within,
            () => DescribeAsync(runId));
        return run.Status == status
            ? run
            : throw new XunitException($"Expected run {runId} to become {status}, but it ended {run.Status}.{Environment.NewLine}{await DescribeAsync(runId)}");
    }

    public async Task<StepRecord> WaitForStepAsync(string runId, string step, StepStatus status) =>
        (await Wait.ForAsync(
            async () => (await Store.GetStepsAsync(runId)).SingleOrDefault(s => s.Name == step),
            s => s?.Status == status,
            $"step {step} of run {runId} to be {status}",
            Changed,
            _within,
            () => DescribeAsync(runId)))!;

    public async Task<StepRecord> StepAsync(string runId, string step) =>
        (await Store.GetStepsAsync(runId)).Single(s => s.Name == step);

    public async Task<string> HistoryTextAsync(string runId) =>
        string.Join(Environment.NewLine, (await Store.GetHistoryAsync(runId)).Select(h => $"{h.Seq} {h.Kind} {h.Step} {h.From}->{h.To} {h.Actor}: {h.Reason}"));

    /// <summary>History and every step's log: what a failing assertion should show.</summary>
    public async Task<string> DescribeAsync(string runId)
    {
        var lines = new List<string> { await HistoryTextAsync(runId) };
        foreach (var step in await Store.GetStepsAsync(runId))
        {
            lines.AddRange((await Store.GetStepLogAsync(runId, step.Name)).Select(l => $"  [{l.Step}#{l.Attempt} {l.Level}] {l.Text}"));
        }

        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>Waits, woken by every committed change, until <paramref name="condition"/> holds; fails with the run's history.</summary>
    public Task WaitUntilAsync(Func<Task<bool>> condition, string what, string? runId = null) =>
        Wait.UntilAsync(condition, what, Changed, _within, runId is null ? null : () => HistoryTextAsync(runId));

    /// <summary>
    /// Waits until the engine has nothing in progress (<see cref="WorkflowEngine.WhenQuiescentAsync"/>): every message
    /// handled, every timer that fired delivered. What is asserted as "did not happen" after this could not be merely late.
    /// </summary>
    public async Task SettleAsync()
    {
        try
        {
            await Engine.WhenQuiescentAsync().WaitAsync(_within, TimeProvider.System);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"The engine was still busy after {_within.TotalSeconds:0} s: a run keeps posting to itself, or a delivery hangs.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The engine first (it was made after its timers), then the timers; the test's own stand-ins are left alone.
        await _services.DisposeAsync();
    }
}
