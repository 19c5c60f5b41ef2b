using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Execution;

/// <summary>Transitions, checked against the tables, and the save that makes them durable.</summary>
internal sealed partial class RunCoordinator
{
    private void MoveRun(RunStatus to, string actor, string reason)
    {
        var from = _run.Status;
        StateMachine.EnsureRun(RunId, from, to);
        var now = Now;
        _run = _run with
        {
            Status = to,
            StartedAt = _run.StartedAt ?? (to == RunStatus.Running ? now : null),
            EndedAt = StateMachine.IsTerminal(to) ? now : null,
        };
        AddHistory(HistoryKind.Run, actor, null, from.ToString(), to.ToString(), reason);
        Log.RunMoved(_services.Logger, RunId, from, to, reason);
    }

    private StepRecord MoveStep(string step, StepStatus to, string actor, string reason, Func<StepRecord, StepRecord>? change = null)
    {
        var current = _steps[step];
        StateMachine.EnsureStep(RunId, step, current.Status, to);
        var now = Now;
        var next = current with
        {
            Status = to,
            EndedAt = to is StepStatus.Running or StepStatus.Pending or StepStatus.Waiting or StepStatus.Compensating ? null : now,
        };
        next = change?.Invoke(next) ?? next;
        _steps[step] = next;
        _dirtySteps.Add(step);
        AddHistory(HistoryKind.Step, actor, step, current.Status.ToString(), to.ToString(), reason);
        return next;
    }

    private void UpdateStep(string step, Func<StepRecord, StepRecord> change)
    {
        _steps[step] = change(_steps[step]);
        _dirtySteps.Add(step);
    }

    private void Audit(string? step, string actor, string reason) =>
        AddHistory(HistoryKind.Audit, actor, step, null, null, reason);

    private void AddHistory(HistoryKind kind, string actor, string? step, string? from, string? to, string reason)
    {
        _run = _run with { HistorySeq = _run.HistorySeq + 1 };
        _history.Add(new HistoryEntry(RunId, _run.HistorySeq, Now, kind, actor, step, from, to, reason));
    }

    private void ReleaseLock()
    {
        if (_holdsLock && _run.LockKey is { } key)
        {
            _releaseLock = key;
            _holdsLock = false;
            _afterCommit.Add(() => _services.LockReleased(key));
        }
    }

    /// <summary>Saves what the last message changed, then tells observers. False when the save failed.</summary>
    private async Task<bool> CommitAsync()
    {
        var logs = DrainLogs();
        ApplyProgress();
        if (_history.Count == 0 && _dirtySteps.Count == 0 && logs.Count == 0)
        {
            return true;
        }

        var steps = _dirtySteps.Select(name => _steps[name]).ToArray();
        var change = new RunChange(_run with { Version = _expectedVersion + 1 }, _expectedVersion)
        {
            Steps = steps,
            History = _history.ToArray(),
            Logs = logs,
            ReleaseLock = _releaseLock,
            SavedSteps = steps.Select(s => _savedSteps[s.Name]).ToArray(),
        };
        try
        {
            await _services.Store.SaveAsync(change, _stopping.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            Log.CommitFailed(_services.Logger, ex, RunId);
            return false;
        }

        _expectedVersion++;
        if (_revived)
        {
            _revived = false;
            _services.Healthy(RunId);
        }

        _run = change.Run;
        foreach (var step in steps)
        {
            _savedSteps[step.Name] = step;
        }

        _history.Clear();
        _dirtySteps.Clear();
        _releaseLock = null;
        await _services.NotifyAsync(new RunChanged(_run, steps, change.History), _stopping.Token);
        return true;
    }

    private List<StepLogLine> DrainLogs()
    {
        Interlocked.Exchange(ref _flushPosted, 0);
        var lines = new List<StepLogLine>();
        while (_logs.TryDequeue(out var line))
        {
            lines.Add(line);
        }

        return lines;
    }

    private void ApplyProgress()
    {
        foreach (var (step, value) in _progress)
        {
            if (_progress.TryRemove(step, out _) && _steps.TryGetValue(step, out var record) && record.Status == StepStatus.Running)
            {
                UpdateStep(step, s => s with { ProgressPercent = value.Percent, ProgressText = value.Text });
            }
        }
    }
}
