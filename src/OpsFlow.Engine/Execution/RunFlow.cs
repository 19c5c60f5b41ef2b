using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Engine.Telemetry;

namespace OpsFlow.Engine.Execution;

/// <summary>
/// The run going forward on the coordinator's loop: what a kick, a finished attempt or a fired timer means, and then
/// what the <see cref="StepScheduler"/> says comes next (steps to start or skip, a rollback step, the run's end). It
/// records all of it in <see cref="RunChanges"/> and leaves launches and timers to <see cref="RunEffects"/>; it keeps
/// no state of its own.
/// </summary>
internal sealed class RunFlow(
    EngineServices services,
    WorkflowDefinition workflow,
    StepScheduler scheduler,
    RunChanges changes,
    RunEffects effects,
    AttemptRunner attempts,
    ApprovalDecisions approvals,
    RunTrace trace,
    CancellationToken stopping)
{
    private const string System = RunChanges.System;

    private DateTimeOffset Now => services.Clock.GetUtcNow();

    private IReadOnlyDictionary<string, StepRecord> Steps => changes.Steps;

    public async Task KickAsync(bool recovering)
    {
        var run = changes.Run;
        if (run.Status == RunStatus.Pending)
        {
            if (!await changes.TryHoldLockAsync(stopping))
            {
                return; // queued behind the holder of its lock key; LockReleased kicks it again
            }

            changes.MoveRun(RunStatus.Running, run.RequestedByName, $"started by {run.RequestedByName} ({run.Trigger})");
        }

        if (recovering)
        {
            Recover();
        }
    }

    /// <summary>After a restart: re-run what was interrupted (attempt raised), re-arm the timers of what waits.</summary>
    private void Recover()
    {
        changes.MarkReloaded();
        // Several hosts reload idle runs all the time (whoever gets the next message); the trail notes only a
        // reload that found work interrupted.
        var interrupted = Steps.Values.Any(s => s.Status is StepStatus.Running or StepStatus.Compensating);
        if (interrupted || !services.UnloadWhenIdle)
        {
            changes.Audit(null, System, $"run reloaded from the database (after a restart, a failed save or a parameter change); it goes on from {changes.Run.Status}");
        }

        foreach (var step in Steps.Values.ToArray())
        {
            var definition = scheduler.Definition(step.Name);
            switch (step.Status)
            {
                case StepStatus.Running:
                    var next = step.Attempt + 1;
                    changes.Audit(step.Name, System, $"attempt {step.Attempt} was interrupted by the restart; running it again as attempt {next}");
                    changes.UpdateStep(step.Name, s => s with { Attempt = next, StartedAt = Now });
                    Launch(definition, compensation: false);
                    break;
                case StepStatus.Compensating:
                    changes.Audit(step.Name, System, "its compensation was interrupted by the restart; running it again");
                    Launch(definition, compensation: true);
                    break;
                case StepStatus.Waiting when step.DueAt is { } due:
                    if (definition.Kind == StepKind.Approval)
                    {
                        trace.ApprovalWaiting(step.Name, step.Attempt, step.StartedAt ?? Now);
                    }

                    effects.ArmTimer(step, definition, definition.Kind == StepKind.Approval ? TimerKind.ApprovalTimeout : TimerKind.Retry, due);
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>Moves the run on as far as its steps allow: after every message.</summary>
    public void Advance()
    {
        switch (changes.Run.Status)
        {
            case RunStatus.Running:
                if (scheduler.FirstFatalFailure(Steps) is { } failed)
                {
                    FailRun(failed);
                    return;
                }

                // The host is stopping: what is ready starts after the restart, but a run whose last step has just
                // finished ends now (nothing new starts for that).
                if (!services.Draining)
                {
                    var ready = scheduler.Ready(Steps, Now, workflow.MaxParallelism ?? services.Options.MaxParallelStepsPerRun);
                    if (services.EmergencyStop.Current is { } stop && ready.Any(d => d is StepDecision.Start))
                    {
                        // Like a pause: steps already running finish, nothing new starts until the stop is lifted.
                        changes.MoveRun(RunStatus.Paused, System, $"paused by the {EmergencyStop.Describe(stop)}; steps already running finish");
                        return;
                    }

                    Apply(ready);
                    if (scheduler.FirstFatalFailure(Steps) is { } failedNow)
                    {
                        FailRun(failedNow); // a condition that threw fails its step at once
                        return;
                    }
                }

                if (scheduler.Settle(Steps) is { } verdict)
                {
                    changes.MoveRun(verdict.Status, System, verdict.Reason);
                    if (verdict.Status == RunStatus.Succeeded)
                    {
                        effects.LockReleased(changes.ReleaseLock());
                    }
                }

                break;
            case RunStatus.RollingBack:
                ContinueRollback();
                break;
            default:
                break;
        }
    }

    private void Apply(IReadOnlyList<StepDecision> decisions)
    {
        foreach (var decision in decisions)
        {
            var name = decision.Step;
            switch (decision)
            {
                case StepDecision.Start:
                    changes.MoveStep(name, StepStatus.Running, System, decision.Reason, s => s with
                    {
                        Attempt = s.Attempt + 1,
                        StartedAt = Now,
                        DueAt = null,
                        ProgressPercent = null,
                        ProgressText = null,
                    });
                    Launch(scheduler.Definition(name), compensation: false);
                    break;
                case StepDecision.Skip:
                    changes.MoveStep(name, StepStatus.Skipped, System, decision.Reason);
                    break;
                case StepDecision.ConditionFailed failed:
                    changes.MoveStep(name, StepStatus.Running, System, "evaluating its condition", s => s with { Attempt = s.Attempt + 1, StartedAt = Now });
                    changes.MoveStep(name, StepStatus.Failed, System, decision.Reason, s => s with { Error = failed.Error });
                    break;
                case StepDecision.PassCheckpoint:
                    changes.MoveStep(name, StepStatus.Running, System, "checkpoint reached", s => s with { Attempt = 1, StartedAt = Now });
                    changes.MoveStep(name, StepStatus.Succeeded, System, decision.Reason, s => s with { CompletedSeq = StepScheduler.NextCompletedSeq(Steps) });
                    break;
                // Each request of an approval is a new attempt: a card keeps the attempt as its "round", so a button
                // on a card from an earlier request (before a retry) is recognised as stale.
                case StepDecision.RequestApproval request:
                    var plan = ApprovalPlan.Of(workflow, changes.Run, name);
                    var waiting = changes.MoveStep(name, StepStatus.Waiting, System, $"{decision.Reason}; plan {plan.ShortHash}: {(plan.Steps.Count == 0 ? "no step waits for it" : string.Join(", ", plan.Steps))}",
                        s => s with { Attempt = s.Attempt + 1, StartedAt = Now, DueAt = request.Due });
                    effects.ArmTimer(waiting, scheduler.Definition(name), TimerKind.ApprovalTimeout, request.Due);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown decision {decision.GetType().Name}.");
            }
        }
    }

    /// <summary>Starts the step's current attempt (or its compensation) once the change is saved.</summary>
    private void Launch(StepDefinition definition, bool compensation) =>
        effects.Launch(() => attempts.Launch(definition, Steps[definition.Name], compensation, StepScheduler.OutputsOf(Steps)));

    public void OnStepFinished(RunMessage.StepFinished finished)
    {
        var step = Steps[finished.Step];
        if (!attempts.Settle(finished.Step, finished.Attempt) || step.Status != StepStatus.Running || step.Attempt != finished.Attempt)
        {
            return; // an attempt the run has moved past (cancelled, timed out, failed over): its result is stale
        }

        var attemptsAllowed = scheduler.MaxAttempts(step.Name);
        switch (finished.Outcome)
        {
            case StepOutcome.Succeeded:
                changes.MoveStep(step.Name, StepStatus.Succeeded, System, $"attempt {step.Attempt} succeeded", s => s with
                {
                    Outputs = finished.Outputs,
                    Findings = finished.Findings,
                    Error = null,
                    ErrorDetail = null,
                    CompletedSeq = StepScheduler.NextCompletedSeq(Steps),
                    ProgressPercent = 100,
                    CpuMilliseconds = CpuMilliseconds(finished.ProcessUse),
                    PeakMemoryBytes = finished.ProcessUse?.PeakMemoryBytes,
                    Items = finished.Items,
                });
                break;
            case StepOutcome.Cancelled:
                return; // the host is stopping: the step stays Running and recovery runs it again
            default:
                if (finished.NotRetried is null && scheduler.RetryDelay(step.Name, step.Attempt) is { } delay)
                {
                    var due = Now + delay;
                    var waiting = changes.MoveStep(step.Name, StepStatus.Waiting, System,
                        $"attempt {step.Attempt} of {attemptsAllowed} failed: {finished.Error}; retry {step.Attempt + 1} of {attemptsAllowed} in {delay} (at {due:u})",
                        s => s with { Error = finished.Error, ErrorDetail = finished.ErrorDetail, DueAt = due, Findings = finished.Findings, CpuMilliseconds = CpuMilliseconds(finished.ProcessUse), PeakMemoryBytes = finished.ProcessUse?.PeakMemoryBytes, Items = finished.Items });
                    effects.ArmTimer(waiting, scheduler.Definition(step.Name), TimerKind.Retry, due);
                    break;
                }

                var to = finished.Outcome == StepOutcome.TimedOut ? StepStatus.TimedOut : StepStatus.Failed;
                var suffix = scheduler.Definition(step.Name).ContinueOnError ? "; it may fail (ContinueOnError), the run goes on" : string.Empty;
                var notRetried = finished.NotRetried is { } why && step.Attempt < attemptsAllowed ? $" (not retried: {why})" : string.Empty;
                changes.MoveStep(step.Name, to, System, $"attempt {step.Attempt} of {attemptsAllowed} failed: {finished.Error}{notRetried}{suffix}",
                    s => s with { Error = finished.Error, ErrorDetail = finished.ErrorDetail, Findings = finished.Findings, CpuMilliseconds = CpuMilliseconds(finished.ProcessUse), PeakMemoryBytes = finished.ProcessUse?.PeakMemoryBytes, Items = finished.Items });
                break;
        }
    }

    private static long? CpuMilliseconds(ProcessUse? use) => use is null ? null : (long)Math.Round(use.CpuTime.TotalMilliseconds);

    public void OnTimer(WorkflowTimer timer)
    {
        if (!Steps.TryGetValue(timer.Step, out var step) || step.Status != StepStatus.Waiting || step.DueAt is not { } due)
        {
            return; // the step moved on since the timer was armed: nothing to do
        }

        if (due > Now)
        {
            effects.ArmTimer(step, scheduler.Definition(step.Name), timer.Kind, due); // fired early, or the deadline was extended since
            return;
        }

        if (timer.Kind == TimerKind.ApprovalTimeout)
        {
            approvals.TimedOut(step);
        }
    }

    private void FailRun(StepRecord failed)
    {
        foreach (var step in Steps.Values.Where(s => s.Status is StepStatus.Running or StepStatus.Waiting).ToArray())
        {
            changes.MoveStep(step.Name, StepStatus.Cancelled, System, $"cancelled because step '{failed.Name}' failed");
            effects.Then(attempts.Abandon(step.Name));
        }

        var error = $"step '{failed.Name}' {(failed.Status == StepStatus.TimedOut ? "timed out" : "failed")}: {failed.Error}";
        changes.MoveRun(RunStatus.Failed, System, error);
        changes.SetRunError(error);
        var toUndo = scheduler.CompensationQueue(Steps);
        if (toUndo.Count == 0)
        {
            changes.Audit(null, System, "nothing to roll back; retry the run, skip the step, or cancel the run");
            effects.LockReleased(changes.ReleaseLock());
            return;
        }

        changes.MoveRun(RunStatus.RollingBack, System, $"rolling back {toUndo.Count} step(s), newest first: {string.Join(", ", toUndo.Select(s => s.Name))}");
        ContinueRollback();
    }

    /// <summary>Compensates one step at a time, newest first, back to the latest checkpoint.</summary>
    private void ContinueRollback()
    {
        if (services.Draining)
        {
            return;
        }

        var next = scheduler.NextCompensation(Steps, out var complete);
        if (complete)
        {
            changes.MoveRun(RunStatus.RolledBack, System, "rollback complete");
            effects.LockReleased(changes.ReleaseLock());
            return;
        }

        if (next is not null)
        {
            changes.MoveStep(next.Name, StepStatus.Compensating, System, "rolling back");
            Launch(scheduler.Definition(next.Name), compensation: true);
        }
    }

    public void OnCompensationFinished(RunMessage.CompensationFinished finished)
    {
        if (!attempts.Settle(finished.Step, finished.Attempt) || Steps[finished.Step].Status != StepStatus.Compensating)
        {
            return;
        }

        if (finished.Error is null)
        {
            changes.MoveStep(finished.Step, StepStatus.Compensated, System, "compensation succeeded", s => s with { Items = finished.Items });
            return;
        }

        var error = $"compensation of step '{finished.Step}' failed: {finished.Error}; the run needs a human";
        changes.MoveStep(finished.Step, StepStatus.CompensationFailed, System, $"compensation failed: {finished.Error}", s => s with { Error = finished.Error, Items = finished.Items });
        changes.MoveRun(RunStatus.Failed, System, error);
        changes.SetRunError(error);
        effects.LockReleased(changes.ReleaseLock());
    }
}
