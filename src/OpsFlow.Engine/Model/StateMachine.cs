using System.Collections.Frozen;

namespace OpsFlow.Engine.Model;

/// <summary>
/// The transition tables of docs/product.md §4. Every change of a run's or a step's status goes through
/// <see cref="EnsureRun"/> or <see cref="EnsureStep"/>: an illegal move is a bug and is raised loudly.
/// </summary>
public static class StateMachine
{
    private static readonly FrozenDictionary<RunStatus, RunStatus[]> RunMoves = new Dictionary<RunStatus, RunStatus[]>
    {
        [RunStatus.Pending] = [RunStatus.Running, RunStatus.Cancelled],
        [RunStatus.Running] = [RunStatus.Succeeded, RunStatus.WaitingForApproval, RunStatus.Paused, RunStatus.Failed, RunStatus.Cancelled],
        [RunStatus.WaitingForApproval] = [RunStatus.Running, RunStatus.Cancelled],
        [RunStatus.Paused] = [RunStatus.Running, RunStatus.Cancelled],
        // Failed is not terminal: a human may retry it or cancel it.
        [RunStatus.Failed] = [RunStatus.RollingBack, RunStatus.Running, RunStatus.Cancelled],
        // A compensation that fails ends the rollback in Failed: it needs a human.
        [RunStatus.RollingBack] = [RunStatus.RolledBack, RunStatus.Failed],
        [RunStatus.RolledBack] = [],
        [RunStatus.Succeeded] = [],
        [RunStatus.Cancelled] = [],
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<StepStatus, StepStatus[]> StepMoves = new Dictionary<StepStatus, StepStatus[]>
    {
        [StepStatus.Pending] = [StepStatus.Running, StepStatus.Waiting, StepStatus.Skipped, StepStatus.Cancelled],
        [StepStatus.Running] = [StepStatus.Succeeded, StepStatus.Failed, StepStatus.TimedOut, StepStatus.Cancelled, StepStatus.Waiting],
        [StepStatus.Waiting] = [StepStatus.Running, StepStatus.Succeeded, StepStatus.Failed, StepStatus.TimedOut, StepStatus.Skipped, StepStatus.Cancelled],
        // Retry-from-failed puts failed, timed-out and cancelled steps back to Pending; an admin may skip them. A step
        // over many items that failed part-way (some nodes changed) is compensated in the rollback, for those items.
        [StepStatus.Failed] = [StepStatus.Pending, StepStatus.Skipped, StepStatus.Compensating],
        [StepStatus.TimedOut] = [StepStatus.Pending, StepStatus.Skipped, StepStatus.Compensating],
        [StepStatus.Cancelled] = [StepStatus.Pending],
        [StepStatus.Succeeded] = [StepStatus.Compensating],
        [StepStatus.Compensating] = [StepStatus.Compensated, StepStatus.CompensationFailed],
        [StepStatus.Skipped] = [],
        [StepStatus.Compensated] = [],
        [StepStatus.CompensationFailed] = [],
    }.ToFrozenDictionary();

    public static bool CanMove(RunStatus from, RunStatus to) => RunMoves[from].Contains(to);

    public static bool CanMove(StepStatus from, StepStatus to) => StepMoves[from].Contains(to);

    public static bool IsTerminal(RunStatus status) => RunMoves[status].Length == 0;

    /// <summary>A run that is not terminal is "active": it is recovered after a restart.</summary>
    public static bool IsActive(RunStatus status) => !IsTerminal(status);

    public static void EnsureRun(string runId, RunStatus from, RunStatus to)
    {
        if (!CanMove(from, to))
        {
            throw new IllegalTransitionException($"Run {runId}: illegal transition {from} → {to}.");
        }
    }

    public static void EnsureStep(string runId, string step, StepStatus from, StepStatus to)
    {
        if (!CanMove(from, to))
        {
            throw new IllegalTransitionException($"Run {runId}, step '{step}': illegal transition {from} → {to}.");
        }
    }

    /// <summary>
    /// The one way back from a decided step: an approval whose plan changed (a paused run's parameters were changed)
    /// goes back to Pending and asks again. Only from a decision (approved, skipped) or a wait, never from a failure.
    /// </summary>
    public static bool CanAskAgain(StepStatus from) => from is StepStatus.Succeeded or StepStatus.Skipped or StepStatus.Waiting;

    public static void EnsureAskAgain(string runId, string step, StepStatus from)
    {
        if (!CanAskAgain(from))
        {
            throw new IllegalTransitionException($"Run {runId}, approval '{step}': cannot ask again from {from}.");
        }
    }
}

/// <summary>A transition that the tables of docs/product.md §4 forbid was attempted: a bug in the engine.</summary>
public sealed class IllegalTransitionException(string message) : InvalidOperationException(message);
