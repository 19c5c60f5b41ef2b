using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Ports;
using OpsFlow.Engine.Telemetry;

namespace OpsFlow.Engine.Execution;

/// <summary>What every coordinator shares: the ports, the clock, and the way back to the engine.</summary>
internal sealed class EngineServices(
    IRunStore store,
    IWorkflowTimers timers,
    IReadOnlyList<IRunObserver> observers,
    TimeProvider clock,
    EngineOptions options,
    ILogger logger,
    WorkflowEngine engine,
    ISecretSource secrets,
    IRunDispatcher dispatcher,
    EngineTelemetry telemetry,
    IRunOwnership ownership,
    EmergencyStop emergencyStop,
    IWorkflowCatalog catalog)
{
    /// <summary>Where a run's code comes from: a paused run whose parameters change is declared again through it.</summary>
    public IWorkflowCatalog Catalog { get; } = catalog;

    /// <summary>While a stop is in force, a running run pauses instead of starting a step.</summary>
    public EmergencyStop EmergencyStop { get; } = emergencyStop;

    public EngineTelemetry Telemetry { get; } = telemetry;

    /// <summary>Messages and deliveries in progress: the engine's quiescence signal.</summary>
    public EngineActivity Activity { get; } = new();

    private volatile bool _draining;

    /// <summary>The host is stopping: steps already running finish, no new step or compensation starts.</summary>
    public bool Draining
    {
        get => _draining;
        set => _draining = value;
    }

    /// <summary>Several hosts share the database: a run that goes idle is let go, for whichever host needs it next.</summary>
    public bool UnloadWhenIdle { get; } = ownership.IsShared;

    public Task ReleaseAsync(string runId) => engine.ReleaseAsync(runId);

    public ISecretSource Secrets { get; } = secrets;

    public SecretMasker Masker { get; } = new(secrets);

    public IRunStore Store { get; } = store;

    public TimeProvider Clock { get; } = clock;

    public EngineOptions Options { get; } = options;

    public ILogger Logger { get; } = logger;

    public void Detach(RunCoordinator coordinator) => engine.Detach(coordinator);

    public void Revive(string runId) => engine.ReviveLater(runId);

    /// <summary>Loads a run again now, from the store (its parameters changed and its coordinator let it go).</summary>
    public void Reload(string runId) => engine.ReloadNow(runId);

    public void Healthy(string runId) => engine.Healthy(runId);

    public void LockReleased(string lockKey) => engine.OnLockReleased(lockKey);

    public void ScheduleTimer(WorkflowTimer timer) => Forget(timers.ScheduleAsync(timer), timer.Purpose);

    /// <summary>
    /// Before an idle run starts steps: let the scheduler know. A failure is logged and the steps start anyway; the
    /// engine's start-up recovery still covers the run. It gives up when the run stops (a scheduler shutting down
    /// can hold its store lock for ever, and a stopping host must not wait on it) or after <see cref="DispatchTimeout"/>.
    /// </summary>
    public async Task BusyAsync(string runId, CancellationToken stopping)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        bounded.CancelAfter(DispatchTimeout);
        try
        {
            // WaitAsync: a dispatcher that ignores the token (Quartz's SQLite lock wait does) is left behind, not awaited.
            await dispatcher.RunBusyAsync(runId, bounded.Token).WaitAsync(bounded.Token);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            Log.DispatchFailed(Logger, ex, runId);
        }
    }

    /// <summary>How long a run waits for the scheduler to take it on before its steps start anyway.</summary>
    public static readonly TimeSpan DispatchTimeout = TimeSpan.FromSeconds(15);

    public void CancelTimer(string runId, string step, TimerKind kind) => Forget(timers.CancelAsync(runId, step, kind), $"cancel {kind} timer of {runId}/{step}");

    public async Task NotifyAsync(RunChanged change, CancellationToken cancellationToken)
    {
        foreach (var observer in observers)
        {
            try
            {
                await observer.OnRunChangedAsync(change, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // An observer (a chat card, the dashboard) must never break a run.
                Log.ObserverFailed(Logger, ex, change.Run.Id, observer.GetType().Name);
            }
        }
    }

    /// <summary>Timers are armed after the save; a failure to arm one is logged, and recovery re-arms it.</summary>
    private void Forget(Task task, string what) =>
        task.ContinueWith(t => Log.TimerFailed(Logger, t.Exception!, what), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
}
