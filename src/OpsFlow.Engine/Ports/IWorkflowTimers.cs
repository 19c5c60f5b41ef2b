namespace OpsFlow.Engine.Ports;

public enum TimerKind
{
    /// <summary>The delay before the next attempt of a failed step.</summary>
    Retry,
    /// <summary>The deadline of an approval step.</summary>
    ApprovalTimeout,
}

/// <summary>A timer the engine needs; <see cref="Purpose"/> says what it is for, in logs and history.</summary>
public sealed record WorkflowTimer(string RunId, string Step, TimerKind Kind, DateTimeOffset DueAt, string Purpose);

/// <summary>
/// The scheduler port: the engine asks for timers and is called back through <see cref="IWorkflowTimerHandler"/>.
/// A timer may fire late, or more than once; the engine checks the run's durable state on every firing, and
/// re-arms the timers of active runs at start-up from that state.
/// </summary>
public interface IWorkflowTimers
{
    Task ScheduleAsync(WorkflowTimer timer, CancellationToken cancellationToken = default);

    Task CancelAsync(string runId, string step, TimerKind kind, CancellationToken cancellationToken = default);
}

/// <summary>Implemented by the engine: what a timer calls when it fires.</summary>
public interface IWorkflowTimerHandler
{
    /// <summary>False when another host drives the run now: the scheduler fires the timer again a little later.</summary>
    Task<bool> OnTimerAsync(WorkflowTimer timer, CancellationToken cancellationToken = default);
}
