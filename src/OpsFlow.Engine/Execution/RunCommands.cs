using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Execution;

/// <summary>
/// Commands from people on the coordinator's loop (docs/engine.md, "Commands"): cancel, pause, resume, retry, skip,
/// each checked against the roles first; approval decisions go to <see cref="ApprovalDecisions"/>, parameter changes
/// to <see cref="ParameterChange"/>. It keeps no state
/// of its own.
/// </summary>
internal sealed class RunCommands(
    EngineServices services,
    RunChanges changes,
    RunEffects effects,
    AttemptRunner attempts,
    ApprovalDecisions approvals,
    ParameterChange parameters,
    CancellationToken stopping)
{
    private string RunId => changes.RunId;

    private RunStatus Status => changes.Run.Status;

    public async Task<CommandResult> HandleAsync(RunCommand command)
    {
        if (RolePolicy.RoleFor(command) is { } role && !command.Actor.HasRole(role))
        {
            return Refuse(command.Actor, RolePolicy.Verb(command), $"{RolePolicy.Verb(command)} needs the {role} role, which you do not have", forbidden: true);
        }

        return command switch
        {
            RunCommand.Cancel cancel => Cancel(cancel),
            RunCommand.Pause pause => Pause(pause),
            RunCommand.Resume resume => Resume(resume),
            RunCommand.Retry retry => await RetryAsync(retry.Actor, $"retried by {retry.Actor.Label}"),
            RunCommand.Skip skip => await SkipAsync(skip),
            RunCommand.Decide decide => approvals.Decide(decide),
            RunCommand.ChangeParameters change => await parameters.ApplyAsync(change),
            _ => throw new InvalidOperationException($"Unknown command {command.GetType().Name}."),
        };
    }

    private CommandResult Cancel(RunCommand.Cancel command)
    {
        if (Status == RunStatus.RollingBack)
        {
            return Refuse(command.Actor, "cancel", $"run {RunId} is rolling back; wait for the rollback to finish");
        }

        var reason = $"cancelled by {command.Actor.Label}{(string.IsNullOrWhiteSpace(command.Reason) ? string.Empty : $": {command.Reason}")}";
        foreach (var step in changes.Steps.Values.Where(s => s.Status is StepStatus.Running or StepStatus.Waiting or StepStatus.Pending).ToArray())
        {
            changes.MoveStep(step.Name, StepStatus.Cancelled, command.Actor.Label, reason);
            effects.Then(attempts.Abandon(step.Name));
        }

        changes.MoveRun(RunStatus.Cancelled, command.Actor.Label, reason);
        effects.LockReleased(changes.ReleaseLock());
        return CommandAnswers.Done($"Run {RunId} is cancelled.");
    }

    private CommandResult Pause(RunCommand.Pause command)
    {
        if (Status != RunStatus.Running)
        {
            return Refuse(command.Actor, "pause", $"run {RunId} is {Status}; only a running run can be paused");
        }

        changes.MoveRun(RunStatus.Paused, command.Actor.Label, $"paused by {command.Actor.Label}; steps already running finish, no new step starts");
        return CommandAnswers.Done($"Run {RunId} is paused. Steps already running will finish; resume it to go on.");
    }

    private CommandResult Resume(RunCommand.Resume command)
    {
        if (Status != RunStatus.Paused)
        {
            return Refuse(command.Actor, "resume", $"run {RunId} is {Status}; only a paused run can be resumed");
        }

        changes.MoveRun(RunStatus.Running, command.Actor.Label, $"resumed by {command.Actor.Label}");
        return CommandAnswers.Done($"Run {RunId} is running again.");
    }

    private async Task<CommandResult> RetryAsync(Actor actor, string reason)
    {
        if (Status != RunStatus.Failed)
        {
            return Refuse(actor, "retry", $"run {RunId} is {Status}; only a failed run can be retried");
        }

        if (changes.Steps.Values.Any(s => s.Status is StepStatus.Compensated or StepStatus.CompensationFailed))
        {
            return Refuse(actor, "retry", $"run {RunId} was (partly) rolled back; start a new run instead");
        }

        if (!await changes.TryHoldLockAsync(stopping))
        {
            return Refuse(actor, "retry", $"another run holds the lock '{changes.Run.LockKey}'; wait for it to end");
        }

        var again = changes.Steps.Values.Where(s => s.Status is StepStatus.Failed or StepStatus.TimedOut or StepStatus.Cancelled).ToArray();
        // A retried approval is a new round: nobody's earlier vote, escalation or extension carries over to it.
        foreach (var step in again)
        {
            changes.MoveStep(step.Name, StepStatus.Pending, actor.Label, reason, s => s with { Error = null, DueAt = null, Votes = [], Escalated = false, Extensions = 0 });
        }

        changes.MoveRun(RunStatus.Running, actor.Label, reason);
        changes.SetRunError(null);
        return CommandAnswers.Done($"Run {RunId} is running again from {string.Join(", ", again.Select(s => s.Name))}.");
    }

    private async Task<CommandResult> SkipAsync(RunCommand.Skip command)
    {
        if (!changes.Steps.TryGetValue(command.Step, out var step))
        {
            return Refuse(command.Actor, "skip", $"run {RunId} has no step '{command.Step}'; its steps are {string.Join(", ", changes.Steps.Keys)}");
        }

        if (step.Status is not (StepStatus.Failed or StepStatus.TimedOut or StepStatus.Waiting or StepStatus.Pending))
        {
            return Refuse(command.Actor, "skip", $"step '{step.Name}' is {step.Status}; only a failed, waiting or pending step can be skipped");
        }

        if (Status == RunStatus.RollingBack)
        {
            return Refuse(command.Actor, "skip", $"run {RunId} is rolling back; wait for the rollback to finish");
        }

        // Skipping an approval is deciding it: the same four-eyes and approver rules as an approve (no side door).
        if (approvals.IsApproval(step.Name) && approvals.MaySkip(command, step) is { } refused)
        {
            return refused;
        }

        var reason = $"skipped by {command.Actor.Label}{(string.IsNullOrWhiteSpace(command.Reason) ? string.Empty : $": {command.Reason}")}";
        if (Status == RunStatus.Failed)
        {
            var retried = await RetryAsync(command.Actor, reason);
            if (retried.Outcome != CommandOutcome.Done)
            {
                return retried;
            }

            step = changes.Steps[command.Step];
        }

        effects.Then(attempts.Abandon(step.Name));
        if (approvals.IsApproval(step.Name))
        {
            approvals.Skipped(step.Name, command.Actor, reason, command.Reason);
        }
        else
        {
            changes.MoveStep(step.Name, StepStatus.Skipped, command.Actor.Label, reason);
        }

        if (Status == RunStatus.WaitingForApproval)
        {
            changes.MoveRun(RunStatus.Running, command.Actor.Label, reason);
        }

        return CommandAnswers.Done($"Step '{step.Name}' of run {RunId} is skipped; the run goes on.");
    }

    private CommandResult Refuse(Actor actor, string action, string why, bool forbidden = false) =>
        CommandAnswers.Refuse(changes, services.Logger, actor, action, why, forbidden);
}
