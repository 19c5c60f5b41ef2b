using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Execution;

/// <summary>
/// What the message being handled does once its change is saved, in the order it was asked for: attempts to launch,
/// timers to arm or cancel, tokens to fire, a freed lock key to announce. Nothing here runs before the save (commit
/// before act); after a failed save it is dropped with the coordinator.
/// </summary>
internal sealed class RunEffects(string runId, EngineServices services)
{
    private readonly List<Action> _pending = [];
    private bool _launches;

    /// <summary>
    /// The run's definition no longer fits its record (its parameters changed): after this save the coordinator lets
    /// the run go and it is loaded again, declared with the new values.
    /// </summary>
    public bool ReloadWanted { get; private set; }

    public void Reload() => ReloadWanted = true;

    /// <summary>Steps start after this save: an idle run tells the dispatcher first.</summary>
    public bool HasLaunches => _launches;

    public void Launch(Action launch)
    {
        _launches = true;
        _pending.Add(launch);
    }

    public void Then(Action? action)
    {
        if (action is not null)
        {
            _pending.Add(action);
        }
    }

    public void ArmTimer(StepRecord step, StepDefinition definition, TimerKind kind, DateTimeOffset due)
    {
        var purpose = kind == TimerKind.Retry
            ? $"retry {step.Attempt + 1} of {definition.Retry?.MaxAttempts} of step '{step.Name}' in run {runId}"
            : $"approval timeout of step '{step.Name}' in run {runId}";
        var timer = new WorkflowTimer(runId, step.Name, kind, due, purpose);
        _pending.Add(() => services.ScheduleTimer(timer));
    }

    public void CancelTimer(string step, TimerKind kind) => _pending.Add(() => services.CancelTimer(runId, step, kind));

    /// <summary>A lock key freed up with this change: the oldest run queued for it may start.</summary>
    public void LockReleased(string? lockKey)
    {
        if (lockKey is not null)
        {
            _pending.Add(() => services.LockReleased(lockKey));
        }
    }

    /// <summary>Runs what waited for the save, once.</summary>
    public void Run()
    {
        _launches = false;
        foreach (var action in _pending)
        {
            action();
        }

        _pending.Clear();
    }
}
