using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Execution;

/// <summary>Deciding what happens next: which steps are ready, and whether the run has finished.</summary>
internal sealed partial class RunCoordinator
{
    private const string System = "system";

    /// <summary>Set while a reloaded run has not saved a change yet (see WorkflowEngine.ReviveLater).</summary>
    private bool _revived;

    private async Task OnKickAsync(bool recovering)
    {
        if (_run.Status == RunStatus.Pending)
        {
            if (!_holdsLock && _run.LockKey is { } key)
            {
                _holdsLock = await _services.Store.TryAcquireLockAsync(key, RunId, _stopping.Token);
            }

            if (!_holdsLock)
            {
                return; // queued behind the holder of its lock key; LockReleased kicks it again
            }

            MoveRun(RunStatus.Running, _run.RequestedByName, $"started by {_run.RequestedByName} ({_run.Trigger})");
        }

        if (recovering)
        {
            Recover();
        }
    }

    /// <summary>After a restart: re-run what was interrupted (attempt raised), re-arm the timers of what waits.</summary>
    private void Recover()
    {
        _revived = true;
        // Several hosts reload idle runs all the time (whoever gets the next message); the trail notes only a
        // reload that found work interrupted.
        var interrupted = _steps.Values.Any(s => s.Status is StepStatus.Running or StepStatus.Compensating);
        if (interrupted || !_services.UnloadWhenIdle)
        {
            Audit(null, System, $"run reloaded from the database (after a restart or a failed save); it goes on from {_run.Status}");
        }

        foreach (var step in _steps.Values.ToArray())
        {
            var definition = Definition(step.Name);
            switch (step.Status)
            {
                case StepStatus.Running:
                    var next = step.Attempt + 1;
                    Audit(step.Name, System, $"attempt {step.Attempt} was interrupted by the restart; running it again as attempt {next}");
                    UpdateStep(step.Name, s => s with { Attempt = next, StartedAt = Now });
                    QueueLaunch(() => LaunchBody(definition, _steps[step.Name]));
                    break;
                case StepStatus.Compensating:
                    Audit(step.Name, System, "its compensation was interrupted by the restart; running it again");
                    QueueLaunch(() => LaunchCompensation(definition, _steps[step.Name]));
                    break;
                case StepStatus.Waiting when step.DueAt is { } due:
                    if (definition.Kind == StepKind.Approval)
                    {
                        _trace.ApprovalWaiting(step.Name, step.Attempt, step.StartedAt ?? Now);
                    }

                    ArmTimer(step.Name, definition.Kind == StepKind.Approval ? TimerKind.ApprovalTimeout : TimerKind.Retry, due);
                    break;
                default:
                    break;
            }
        }
    }

    private void Advance()
    {
        switch (_run.Status)
        {
            case RunStatus.Running:
                if (FirstFatalFailure() is { } failed)
                {
                    FailRun(failed);
                    return;
                }

                if (_services.Draining)
                {
                    // The host is stopping: what is ready starts after the restart, but a run whose last step has
                    // just finished ends now (nothing new starts for that).
                    SettleRunStatus();
                    return;
                }

                ScheduleReady();
                if (FirstFatalFailure() is { } failedNow)
                {
                    FailRun(failedNow); // a condition that threw fails its step at once
                    return;
                }

                SettleRunStatus();
                break;
            case RunStatus.RollingBack:
                ContinueRollback();
                break;
            default:
                break;
        }
    }

    private void ScheduleReady()
    {
        var limit = _definition.MaxParallelism ?? _services.Options.MaxParallelStepsPerRun;
        bool changed;
        do
        {
            changed = false;
            var running = _steps.Values.Count(s => s.Status == StepStatus.Running);
            foreach (var definition in _definition.Steps)
            {
                var step = _steps[definition.Name];
                if (step.Status == StepStatus.Waiting && definition.Kind == StepKind.Action && step.DueAt <= Now && running < limit)
                {
                    StartAttempt(definition, $"retry: attempt {step.Attempt + 1} of {definition.Retry?.MaxAttempts}{Lateness(step.DueAt.Value)}");
                    running++;
                    continue;
                }

                if (step.Status != StepStatus.Pending || !DependenciesDone(definition, out var skippedDependency))
                {
                    continue;
                }

                changed |= Ready(definition, skippedDependency, ref running, limit);
            }
        }
        while (changed);
    }

    /// <summary>Acts on a step whose dependencies are done; true when that may make other steps ready.</summary>
    private bool Ready(StepDefinition definition, string? skippedDependency, ref int running, int limit)
    {
        if (definition.SkipWhenDependencySkipped && skippedDependency is not null)
        {
            MoveStep(definition.Name, StepStatus.Skipped, System, $"dependency '{skippedDependency}' was skipped");
            return true;
        }

        if (!ConditionHolds(definition, out var conditionError))
        {
            if (conditionError is null)
            {
                MoveStep(definition.Name, StepStatus.Skipped, System, "its condition is false");
            }
            else
            {
                MoveStep(definition.Name, StepStatus.Running, System, "evaluating its condition", s => s with { Attempt = s.Attempt + 1, StartedAt = Now });
                MoveStep(definition.Name, StepStatus.Failed, System, $"its condition threw: {conditionError}", s => s with { Error = conditionError });
            }

            return true;
        }

        switch (definition.Kind)
        {
            case StepKind.Checkpoint:
                MoveStep(definition.Name, StepStatus.Running, System, "checkpoint reached", s => s with { Attempt = 1, StartedAt = Now });
                MoveStep(definition.Name, StepStatus.Succeeded, System, "checkpoint: rollback stops here", s => s with { CompletedSeq = NextCompletedSeq() });
                return true;
            // Each request of an approval is a new attempt: a card keeps the attempt as its "round", so a button
            // on a card from an earlier request (before a retry) is recognised as stale.
            case StepKind.Approval:
                var policy = definition.Approval!;
                var due = Now + policy.Timeout;
                MoveStep(definition.Name, StepStatus.Waiting, System, ApprovalRequestText(policy, due), s => s with { Attempt = s.Attempt + 1, StartedAt = Now, DueAt = due });
                ArmTimer(definition.Name, TimerKind.ApprovalTimeout, due);
                return false;
            default:
                if (running >= limit)
                {
                    return false;
                }

                StartAttempt(definition, "dependencies done");
                running++;
                return false;
        }
    }

    private void StartAttempt(StepDefinition definition, string reason)
    {
        var step = MoveStep(definition.Name, StepStatus.Running, System, reason, s => s with
        {
            Attempt = s.Attempt + 1,
            StartedAt = Now,
            DueAt = null,
            ProgressPercent = null,
            ProgressText = null,
        });
        QueueLaunch(() => LaunchBody(definition, step));
    }

    private bool DependenciesDone(StepDefinition definition, out string? skippedDependency)
    {
        skippedDependency = null;
        foreach (var name in definition.DependsOn)
        {
            var dependency = _steps[name];
            switch (dependency.Status)
            {
                case StepStatus.Succeeded:
                    break;
                case StepStatus.Skipped:
                    skippedDependency ??= name;
                    break;
                case StepStatus.Failed or StepStatus.TimedOut when Definition(name).ContinueOnError:
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    private bool ConditionHolds(StepDefinition definition, out string? error)
    {
        error = null;
        if (definition.Condition is null)
        {
            return true;
        }

        try
        {
            return definition.Condition(new ConditionContext(_parameters, OutputsSoFar()));
        }
        catch (Exception ex)
        {
            // A condition is user code: its exception fails the step, it must not kill the coordinator.
            error = $"{ex.GetType().Name}: {ex.Message}";
            return false;
        }
    }

    /// <summary>Moves the run to Succeeded or WaitingForApproval when that is what its steps say.</summary>
    private void SettleRunStatus()
    {
        if (_steps.Values.All(s => IsDone(s)))
        {
            MoveRun(RunStatus.Succeeded, System, $"all {_steps.Count} steps done");
            ReleaseLock();
            return;
        }

        var busy = _steps.Values.Any(s => s.Status == StepStatus.Running
            || (s.Status == StepStatus.Waiting && Definition(s.Name).Kind == StepKind.Action));
        var approvals = _steps.Values.Where(s => s.Status == StepStatus.Waiting && Definition(s.Name).Kind == StepKind.Approval).ToArray();
        if (!busy && approvals.Length > 0)
        {
            MoveRun(RunStatus.WaitingForApproval, System, $"waiting for approval of {string.Join(", ", approvals.Select(a => a.Name))}");
        }
    }

    private bool IsDone(StepRecord step) => step.Status switch
    {
        StepStatus.Succeeded or StepStatus.Skipped => true,
        StepStatus.Failed or StepStatus.TimedOut => Definition(step.Name).ContinueOnError,
        _ => false,
    };

    private StepRecord? FirstFatalFailure() =>
        _steps.Values.FirstOrDefault(s => s.Status is StepStatus.Failed or StepStatus.TimedOut && !Definition(s.Name).ContinueOnError);

    // A dictionary, not WorkflowDefinition.Find: this is called for every step and dependency on each message.
    private StepDefinition Definition(string step) =>
        _stepDefinitions.TryGetValue(step, out var definition)
            ? definition
            : throw new InvalidOperationException($"Run {RunId} has a step '{step}' its definition does not declare.");

    private long NextCompletedSeq() => _steps.Values.Max(s => s.CompletedSeq ?? 0) + 1;

    private void ArmTimer(string step, TimerKind kind, DateTimeOffset due)
    {
        var purpose = kind == TimerKind.Retry
            ? $"retry {_steps[step].Attempt + 1} of {Definition(step).Retry?.MaxAttempts} of step '{step}' in run {RunId}"
            : $"approval timeout of step '{step}' in run {RunId}";
        var timer = new WorkflowTimer(RunId, step, kind, due, purpose);
        _afterCommit.Add(() => _services.ScheduleTimer(timer));
    }

    /// <summary>Says so when a timer fired well after its time: the host was down (or very busy) when it was due.</summary>
    private string Lateness(DateTimeOffset due)
    {
        var late = Now - due;
        return late < TimeSpan.FromSeconds(5) ? string.Empty : $" (due {due:u}, {late.TotalSeconds:0} s late: OpsFlow was down or busy then)";
    }

    private static string ApprovalRequestText(ApprovalPolicy policy, DateTimeOffset due)
    {
        var who = policy.Approvers.Count == 0 ? "any operator" : string.Join(", ", policy.Approvers);
        var message = policy.Message is null ? string.Empty : $": {policy.Message}";
        return $"waiting for {policy.Required} approval(s) from {who} until {due:u}{message}";
    }
}
