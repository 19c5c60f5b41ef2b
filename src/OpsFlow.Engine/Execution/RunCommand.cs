using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Execution;

public enum ApprovalAction
{
    Approve,
    Reject,
    /// <summary>Adds the policy's ExtendBy to the deadline, a bounded number of times.</summary>
    Extend,
}

/// <summary>Something a person (or the system) asks of a run.</summary>
public abstract record RunCommand(Actor Actor)
{
    public sealed record Cancel(Actor Actor, string? Reason) : RunCommand(Actor);

    public sealed record Pause(Actor Actor) : RunCommand(Actor);

    public sealed record Resume(Actor Actor) : RunCommand(Actor);

    /// <summary>Runs a failed run again from its failed steps, keeping what succeeded.</summary>
    public sealed record Retry(Actor Actor) : RunCommand(Actor);

    /// <summary>
    /// Changes parameters of a paused run (admin): only those no finished step read. The values are validated like a
    /// start's; an approval decided on the old values asks again. <paramref name="Values"/> holds the changed ones only.
    /// </summary>
    public sealed record ChangeParameters(Actor Actor, IReadOnlyDictionary<string, string?> Values, string? Reason) : RunCommand(Actor);

    /// <summary>Marks a failed, waiting or pending step Skipped and goes on.</summary>
    public sealed record Skip(Actor Actor, string Step, string? Reason) : RunCommand(Actor);

    /// <summary>
    /// Decides an approval; <paramref name="Step"/> may be null when only one approval waits. <see cref="PlanHash"/>
    /// is the plan the person saw (<see cref="ApprovalPlan.Hash"/>): a decision on another plan is refused as stale.
    /// Null means "the current plan" (callers of the API that predate plans).
    /// </summary>
    public sealed record Decide(Actor Actor, string? Step, ApprovalAction Action, string? Reason) : RunCommand(Actor)
    {
        public string? PlanHash { get; init; }
    }
}
