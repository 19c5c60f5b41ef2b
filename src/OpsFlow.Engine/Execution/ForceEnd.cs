using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Execution;

/// <summary>
/// Cancelling a run no coordinator can take (issue 21, item 4): its workflow's code cannot be loaded any more (the
/// script was deleted, or no longer compiles with the run's snapshot gone), so commands never reach it and it would
/// hold its lock, and block its app and environment, for ever. An admin's cancel ends it in the store directly: every
/// unfinished step and the run become Cancelled with who and why, the lock goes, and the runs queued behind it and
/// the run's cards are told, as for any change. Nothing of the workflow runs: no compensation, since its code is gone.
/// </summary>
internal sealed class ForceEnd(EngineServices services)
{
    public async Task<CommandResult> CancelAsync(RunRecord run, RunCommand.Cancel cancel, CancellationToken cancellationToken)
    {
        var actor = cancel.Actor;
        var store = services.Store;
        if (!actor.HasRole(Roles.Admin))
        {
            return new CommandResult(CommandOutcome.Forbidden,
                $"Run {run.Id} cannot be loaded (its workflow '{run.Workflow}' has no usable code here); only an admin may force-end it with cancel, which {actor.DisplayName} is not.", run);
        }

        var now = services.Clock.GetUtcNow();
        var why = $"force-ended by {actor.Label}: its workflow '{run.Workflow}' could not be loaded, so nothing of it ran to finish or roll back"
            + (string.IsNullOrWhiteSpace(cancel.Reason) ? string.Empty : $" ({cancel.Reason.Trim()})");
        var seq = run.HistorySeq;
        var history = new List<HistoryEntry>();
        var steps = new List<StepRecord>();
        foreach (var step in await store.GetStepsAsync(run.Id, cancellationToken))
        {
            if (step.Status is StepStatus.Running or StepStatus.Waiting or StepStatus.Pending or StepStatus.Compensating)
            {
                steps.Add(step with { Status = StepStatus.Cancelled, EndedAt = now, DueAt = null });
                history.Add(new HistoryEntry(run.Id, ++seq, now, HistoryKind.Step, actor.Label, step.Name, step.Status.ToString(), nameof(StepStatus.Cancelled), why));
            }
        }

        history.Add(new HistoryEntry(run.Id, ++seq, now, HistoryKind.Run, actor.Label, null, run.Status.ToString(), nameof(RunStatus.Cancelled), why));
        var ended = run with { Status = RunStatus.Cancelled, EndedAt = now, Error = why, HistorySeq = seq, Version = run.Version + 1 };
        try
        {
            await store.SaveAsync(new RunChange(ended, run.Version) { Steps = steps, History = history, ReleaseLock = run.LockKey }, cancellationToken);
        }
        catch (ConcurrencyException)
        {
            return CommandResult.Refused($"Run {run.Id} changed while it was being force-ended (another host may have loaded it); nothing was done. Look at it again, then cancel it.", run);
        }

        await services.NotifyAsync(new RunChanged(ended, steps, history), cancellationToken);
        if (run.LockKey is { } key)
        {
            services.LockReleased(key);
        }

        return new CommandResult(CommandOutcome.Done, $"Run {run.Id} is force-ended (cancelled): its workflow '{run.Workflow}' could not be loaded. Its lock is released; whatever its steps changed was not rolled back.", ended);
    }
}
