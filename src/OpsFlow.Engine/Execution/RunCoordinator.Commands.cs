using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Execution;

/// <summary>Commands from people: cancel, pause, resume, retry, skip. Approvals are in their own file.</summary>
internal sealed partial class RunCoordinator
{
    private async Task<CommandResult> OnCommandAsync(RunCommand command)
    {
        if (RolePolicy.RoleFor(command) is { } role && !command.Actor.HasRole(role))
        {
            return Refuse(command.Actor, RolePolicy.Verb(command), $"{RolePolicy.Verb(command)} needs the {role} role, which you do not have", forbidden: true);
        }

        return await ExecuteAsync(command);
    }

    private async Task<CommandResult> ExecuteAsync(RunCommand command) => command switch
    {
        RunCommand.Cancel cancel => Cancel(cancel),
        RunCommand.Pause pause => Pause(pause),
        RunCommand.Resume resume => Resume(resume),
        RunCommand.Retry retry => await RetryAsync(retry.Actor, $"retried by {retry.Actor.Label}"),
        RunCommand.Skip skip => await SkipAsync(skip),
        RunCommand.Decide decide => Decide(decide),
        _ => throw new InvalidOperationException($"Unknown command {command.GetType().Name}."),
    };

    private CommandResult Cancel(RunCommand.Cancel command)
    {
        if (_run.Status == RunStatus.RollingBack)
        {
            return Refuse(command.Actor, "cancel", $"run {RunId} is rolling back; wait for the rollback to finish");
        }

        var reason = $"cancelled by {command.Actor.Label}{(string.IsNullOrWhiteSpace(command.Reason) ? string.Empty : $": {command.Reason}")}";
        foreach (var step in _steps.Values.Where(s => s.Status is StepStatus.Running or StepStatus.Waiting or StepStatus.Pending).ToArray())
        {
            MoveStep(step.Name, StepStatus.Cancelled, command.Actor.Label, reason);
            CancelInFlight(step.Name);
        }

        MoveRun(RunStatus.Cancelled, command.Actor.Label, reason);
        ReleaseLock();
        return Ok($"Run {RunId} is cancelled.");
    }

    private CommandResult Pause(RunCommand.Pause command)
    {
        if (_run.Status != RunStatus.Running)
        {
            return Refuse(command.Actor, "pause", $"run {RunId} is {_run.Status}; only a running run can be paused");
        }

        MoveRun(RunStatus.Paused, command.Actor.Label, $"paused by {command.Actor.Label}; steps already running finish, no new step starts");
        return Ok($"Run {RunId} is paused. Steps already running will finish; resume it to go on.");
    }

    private CommandResult Resume(RunCommand.Resume command)
    {
        if (_run.Status != RunStatus.Paused)
        {
            return Refuse(command.Actor, "resume", $"run {RunId} is {_run.Status}; only a paused run can be resumed");
        }

        MoveRun(RunStatus.Running, command.Actor.Label, $"resumed by {command.Actor.Label}");
        return Ok($"Run {RunId} is running again.");
    }

    private async Task<CommandResult> RetryAsync(Actor actor, string reason)
    {
        if (_run.Status != RunStatus.Failed)
        {
            return Refuse(actor, "retry", $"run {RunId} is {_run.Status}; only a failed run can be retried");
        }

        if (_steps.Values.Any(s => s.Status is StepStatus.Compensated or StepStatus.CompensationFailed))
        {
            return Refuse(actor, "retry", $"run {RunId} was (partly) rolled back; start a new run instead");
        }

        if (!_holdsLock && _run.LockKey is { } key)
        {
            _holdsLock = await _services.Store.TryAcquireLockAsync(key, RunId, _stopping.Token);
            if (!_holdsLock)
            {
                return Refuse(actor, "retry", $"another run holds the lock '{key}'; wait for it to end");
            }
        }

        var again = _steps.Values.Where(s => s.Status is StepStatus.Failed or StepStatus.TimedOut or StepStatus.Cancelled).ToArray();
        foreach (var step in again)
        {
            MoveStep(step.Name, StepStatus.Pending, actor.Label, reason, s => s with { Error = null, DueAt = null });
        }

        MoveRun(RunStatus.Running, actor.Label, reason);
        _run = _run with { Error = null };
        return Ok($"Run {RunId} is running again from {string.Join(", ", again.Select(s => s.Name))}.");
    }

    private async Task<CommandResult> SkipAsync(RunCommand.Skip command)
    {
        if (!_steps.TryGetValue(command.Step, out var step))
        {
            return Refuse(command.Actor, "skip", $"run {RunId} has no step '{command.Step}'; its steps are {string.Join(", ", _steps.Keys)}");
        }

        if (step.Status is not (StepStatus.Failed or StepStatus.TimedOut or StepStatus.Waiting or StepStatus.Pending))
        {
            return Refuse(command.Actor, "skip", $"step '{step.Name}' is {step.Status}; only a failed, waiting or pending step can be skipped");
        }

        if (_run.Status == RunStatus.RollingBack)
        {
            return Refuse(command.Actor, "skip", $"run {RunId} is rolling back; wait for the rollback to finish");
        }

        var reason = $"skipped by {command.Actor.Label}{(string.IsNullOrWhiteSpace(command.Reason) ? string.Empty : $": {command.Reason}")}";
        if (_run.Status == RunStatus.Failed)
        {
            var retried = await RetryAsync(command.Actor, reason);
            if (retried.Outcome != CommandOutcome.Done)
            {
                return retried;
            }

            step = _steps[command.Step];
        }

        CancelInFlight(step.Name);
        MoveStep(step.Name, StepStatus.Skipped, command.Actor.Label, reason);
        if (_run.Status == RunStatus.WaitingForApproval)
        {
            MoveRun(RunStatus.Running, command.Actor.Label, reason);
        }

        return Ok($"Step '{step.Name}' of run {RunId} is skipped; the run goes on.");
    }

    /// <summary>Refuses a command: the person hears why, and the refusal goes into the run's audit trail.</summary>
    private CommandResult Refuse(Actor actor, string action, string why, bool forbidden = false)
    {
        Audit(null, actor.Label, $"refused {action} by {actor.Label}: {why}");
        Log.CommandRefused(_services.Logger, RunId, action, actor.Id, why);
        var message = char.ToUpperInvariant(why[0]) + why[1..] + ".";
        return new CommandResult(forbidden ? CommandOutcome.Forbidden : CommandOutcome.Refused, message);
    }
}
