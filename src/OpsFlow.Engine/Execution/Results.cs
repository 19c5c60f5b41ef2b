using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Execution;

/// <summary>
/// A request to start a run. <see cref="RequestId"/> makes it idempotent (a chat activity id, say);
/// <see cref="ReplyTo"/> is where the run's card goes (a chat conversation), or null for none.
/// </summary>
public sealed record StartRunRequest(
    string Workflow,
    IReadOnlyDictionary<string, string?> Parameters,
    Actor RequestedBy,
    string Trigger,
    string? RequestId = null,
    string? ReplyTo = null);

/// <summary>What became of a start request. Only <see cref="Started"/> and <see cref="Queued"/> created a run.</summary>
public abstract record StartRunResult
{
    public sealed record Started(RunRecord Run) : StartRunResult;

    /// <summary>Created, waiting for <paramref name="HolderRunId"/> to release the lock key.</summary>
    public sealed record Queued(RunRecord Run, string HolderRunId) : StartRunResult;

    /// <summary>The same request was seen before; this is the run it started.</summary>
    public sealed record Duplicate(RunRecord Run) : StartRunResult;

    public sealed record LockHeld(string LockKey, RunRecord Holder) : StartRunResult;

    public sealed record UnknownWorkflow(string Workflow, IReadOnlyList<string> Available) : StartRunResult;

    public sealed record InvalidParameters(WorkflowDescriptor Workflow, IReadOnlyList<ParameterError> Errors) : StartRunResult;

    public sealed record InvalidDefinition(string Workflow, IReadOnlyList<string> Problems) : StartRunResult;

    public sealed record Forbidden(string Reason) : StartRunResult
    {
        /// <summary>
        /// Refused because an emergency stop is in force, not because of who asked: nothing about the person or a
        /// schedule needs changing (a schedule is not paused for it), the stop only has to be lifted.
        /// </summary>
        public bool ByEmergencyStop { get; init; }
    }
}

public enum CommandOutcome
{
    /// <summary>The command took effect and is durable.</summary>
    Done,
    /// <summary>The command does not fit the run's state now; nothing changed but the audit trail.</summary>
    Refused,
    /// <summary>This person may not do this (role, approver list, four-eyes); nothing changed but the audit trail.</summary>
    Forbidden,
    NotFound,
}

/// <summary>The answer to a command on a run, with a message fit to show the person who sent it.</summary>
public sealed record CommandResult(CommandOutcome Outcome, string Message, RunRecord? Run = null)
{
    public static CommandResult NotFound(string runId) =>
        new(CommandOutcome.NotFound, $"There is no run '{runId}'. List recent runs to find its id.");

    public static CommandResult Refused(string message, RunRecord? run = null) => new(CommandOutcome.Refused, message, run);

    /// <summary>
    /// One wording whether the command met the ended run in the database or still queued on the coordinator that
    /// ended it: which of the two answers depends on timing the sender cannot see.
    /// </summary>
    public static CommandResult Ended(RunRecord run) =>
        Refused($"Run {run.Id} has ended ({run.Status}); nothing was done.", run);

    /// <summary>The run is between owners (the host is stopping, or it reloads the run after an error).</summary>
    public static CommandResult HandedOver(string runId) =>
        Refused($"Run {runId} is being reloaded; nothing was done. Try again in a moment.");
}
