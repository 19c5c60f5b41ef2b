namespace OpsFlow.Engine.Model;

/// <summary>The state of a run (docs/product.md §4). <see cref="StateMachine"/> holds the legal moves.</summary>
public enum RunStatus
{
    Pending,
    Running,
    WaitingForApproval,
    Paused,
    Failed,
    RollingBack,
    RolledBack,
    Succeeded,
    Cancelled,
}

/// <summary>The state of one step of a run (docs/product.md §4).</summary>
public enum StepStatus
{
    Pending,
    Running,
    /// <summary>Waiting for an approval decision or for a retry delay to pass.</summary>
    Waiting,
    Succeeded,
    Failed,
    Skipped,
    TimedOut,
    Cancelled,
    Compensating,
    Compensated,
    CompensationFailed,
}
