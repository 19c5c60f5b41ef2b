namespace OpsFlow.Engine.Definitions;

public enum StepKind
{
    /// <summary>Runs a body.</summary>
    Action,
    /// <summary>Waits for people to decide.</summary>
    Approval,
    /// <summary>Marks a point rollback stops at: steps completed before it are not compensated.</summary>
    Checkpoint,
}

/// <summary>A step of a workflow, immutable. Built with <see cref="WorkflowBuilder"/> (or, later, by a script).</summary>
public sealed record StepDefinition(string Name, StepKind Kind)
{
    public IReadOnlyList<string> DependsOn { get; init; } = [];
    /// <summary>When false at the time the step becomes ready, the step is Skipped.</summary>
    public Func<ConditionContext, bool>? Condition { get; init; }
    public Func<StepContext, Task>? Body { get; init; }
    /// <summary>Undoes the step's effect during rollback.</summary>
    public Func<StepContext, Task>? Compensation { get; init; }
    public RetryPolicy? Retry { get; init; }
    /// <summary>Cancels the step's token when the time is up; the attempt ends TimedOut.</summary>
    public TimeSpan? Timeout { get; init; }
    /// <summary>A failure is logged and the run goes on ("ignorable", seed §6).</summary>
    public bool ContinueOnError { get; init; }
    /// <summary>When true, a skipped dependency skips this step too instead of counting as done.</summary>
    public bool SkipWhenDependencySkipped { get; init; }
    public ApprovalPolicy? Approval { get; init; }
    public SourceLocation? Source { get; init; }
}
