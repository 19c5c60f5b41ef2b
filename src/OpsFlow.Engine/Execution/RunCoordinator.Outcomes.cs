using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Execution;

/// <summary>What a finished attempt means: success, a retry later, a failure that fails the run, or a rollback.</summary>
internal sealed partial class RunCoordinator
{
    private void OnStepFinished(RunMessage.StepFinished finished)
    {
        var step = _steps[finished.Step];
        if (!Settle(finished.Step, finished.Attempt) || step.Status != StepStatus.Running || step.Attempt != finished.Attempt)
        {
            return; // an attempt the run has moved past (cancelled, timed out, failed over): its result is stale
        }

        var definition = Definition(finished.Step);
        var attempts = definition.Retry?.MaxAttempts ?? 1;
        switch (finished.Outcome)
        {
            case StepOutcome.Succeeded:
                MoveStep(step.Name, StepStatus.Succeeded, System, $"attempt {step.Attempt} succeeded", s => s with
                {
                    Outputs = finished.Outputs,
                    Error = null,
                    CompletedSeq = NextCompletedSeq(),
                    ProgressPercent = 100,
                });
                break;
            case StepOutcome.Cancelled:
                return; // the host is stopping: the step stays Running and recovery runs it again
            case var _ when step.Attempt < attempts:
                var delay = definition.Retry!.DelayBefore(step.Attempt + 1);
                var due = Now + delay;
                MoveStep(step.Name, StepStatus.Waiting, System,
                    $"attempt {step.Attempt} of {attempts} failed: {finished.Error}; retry {step.Attempt + 1} of {attempts} in {delay} (at {due:u})",
                    s => s with { Error = finished.Error, DueAt = due });
                ArmTimer(step.Name, TimerKind.Retry, due);
                break;
            default:
                var to = finished.Outcome == StepOutcome.TimedOut ? StepStatus.TimedOut : StepStatus.Failed;
                var suffix = definition.ContinueOnError ? "; it may fail (ContinueOnError), the run goes on" : string.Empty;
                MoveStep(step.Name, to, System, $"attempt {step.Attempt} of {attempts} failed: {finished.Error}{suffix}", s => s with { Error = finished.Error });
                break;
        }
    }

    private void OnTimer(WorkflowTimer timer)
    {
        if (!_steps.TryGetValue(timer.Step, out var step) || step.Status != StepStatus.Waiting || step.DueAt is not { } due)
        {
            return; // the step moved on since the timer was armed: nothing to do
        }

        if (due > Now)
        {
            ArmTimer(step.Name, timer.Kind, due); // fired early, or the deadline was extended since
            return;
        }

        if (timer.Kind == TimerKind.ApprovalTimeout)
        {
            ApprovalTimedOut(step);
        }
    }

    private void FailRun(StepRecord failed)
    {
        foreach (var step in _steps.Values.Where(s => s.Status is StepStatus.Running or StepStatus.Waiting).ToArray())
        {
            MoveStep(step.Name, StepStatus.Cancelled, System, $"cancelled because step '{failed.Name}' failed");
            CancelInFlight(step.Name);
        }

        var error = $"step '{failed.Name}' {(failed.Status == StepStatus.TimedOut ? "timed out" : "failed")}: {failed.Error}";
        MoveRun(RunStatus.Failed, System, error);
        _run = _run with { Error = error };
        var toUndo = CompensationQueue();
        if (toUndo.Count == 0)
        {
            Audit(null, System, "nothing to roll back; retry the run, skip the step, or cancel the run");
            ReleaseLock();
            return;
        }

        MoveRun(RunStatus.RollingBack, System, $"rolling back {toUndo.Count} step(s), newest first: {string.Join(", ", toUndo.Select(s => s.Name))}");
        ContinueRollback();
    }

    /// <summary>Compensates one step at a time, newest first, back to the latest checkpoint.</summary>
    private void ContinueRollback()
    {
        if (_services.Draining || _steps.Values.Any(s => s.Status == StepStatus.Compensating))
        {
            return;
        }

        var next = CompensationQueue().FirstOrDefault();
        if (next is null)
        {
            MoveRun(RunStatus.RolledBack, System, "rollback complete");
            ReleaseLock();
            return;
        }

        var step = MoveStep(next.Name, StepStatus.Compensating, System, "rolling back");
        var definition = Definition(next.Name);
        QueueLaunch(() => LaunchCompensation(definition, step));
    }

    private void OnCompensationFinished(RunMessage.CompensationFinished finished)
    {
        if (!Settle(finished.Step, finished.Attempt) || _steps[finished.Step].Status != StepStatus.Compensating)
        {
            return;
        }

        if (finished.Error is null)
        {
            MoveStep(finished.Step, StepStatus.Compensated, System, "compensation succeeded");
            return;
        }

        var error = $"compensation of step '{finished.Step}' failed: {finished.Error}; the run needs a human";
        MoveStep(finished.Step, StepStatus.CompensationFailed, System, $"compensation failed: {finished.Error}", s => s with { Error = finished.Error });
        MoveRun(RunStatus.Failed, System, error);
        _run = _run with { Error = error };
        ReleaseLock();
    }

    /// <summary>Succeeded steps with a compensation, completed after the latest checkpoint, newest first.</summary>
    private List<StepRecord> CompensationQueue()
    {
        var checkpoint = _steps.Values
            .Where(s => s.Status == StepStatus.Succeeded && Definition(s.Name).Kind == StepKind.Checkpoint)
            .Max(s => s.CompletedSeq) ?? 0;
        return _steps.Values
            .Where(s => s.Status == StepStatus.Succeeded && s.CompletedSeq > checkpoint && Definition(s.Name).Compensation is not null)
            .OrderByDescending(s => s.CompletedSeq)
            .ToList();
    }
}
