using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Testing;

/// <summary>
/// A store in memory, for engine tests and benchmarks. It keeps the same contract as the database stores
/// (the contract suite runs against it): atomic changes, optimistic versions, request ids, lock keys.
/// </summary>
public sealed class InMemoryRunStore : IRunStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, RunRecord> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, StepRecord>> _steps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<HistoryEntry>> _history = new(StringComparer.Ordinal);
    private readonly List<(long Id, StepLogLine Line)> _logs = [];
    private long _lastLogId;
    private readonly Dictionary<string, string> _locks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _requests = new(StringComparer.Ordinal);

    public Task<CreateRunResult> CreateRunAsync(NewRun run, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (run.Run.RequestId is { } request && _requests.TryGetValue(request, out var existing))
            {
                return Task.FromResult<CreateRunResult>(new CreateRunResult.Duplicate(_runs[existing]));
            }

            var acquired = true;
            string? holder = null;
            if (run.Run.LockKey is { } key && _locks.TryGetValue(key, out holder))
            {
                if (!run.QueueIfLocked)
                {
                    return Task.FromResult<CreateRunResult>(new CreateRunResult.LockHeld(_runs[holder]));
                }

                acquired = false;
            }
            else if (run.Run.LockKey is { } free)
            {
                _locks[free] = run.Run.Id;
            }

            _runs[run.Run.Id] = run.Run;
            _steps[run.Run.Id] = run.Steps.ToDictionary(s => s.Name, StringComparer.Ordinal);
            _history[run.Run.Id] = [run.Created];
            if (run.Run.RequestId is { } id)
            {
                _requests[id] = run.Run.Id;
            }

            return Task.FromResult<CreateRunResult>(new CreateRunResult.Created(run.Run, acquired, holder));
        }
    }

    public Task SaveAsync(RunChange change, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var id = change.Run.Id;
            if (!_runs.TryGetValue(id, out var stored))
            {
                throw new KeyNotFoundException($"Run {id} does not exist.");
            }

            if (stored.Version != change.ExpectedVersion)
            {
                throw new ConcurrencyException($"Run {id} is at version {stored.Version}, not {change.ExpectedVersion}.");
            }

            CheckSavedSteps(change);
            _runs[id] = change.Run;
            foreach (var step in change.Steps)
            {
                _steps[id][step.Name] = step;
            }

            _history[id].AddRange(change.History);
            _logs.AddRange(change.Logs.Select(line => (++_lastLogId, line)));
            if (change.ReleaseLock is { } key && _locks.TryGetValue(key, out var holder) && holder == id)
            {
                _locks.Remove(key);
            }
        }

        return Task.CompletedTask;
    }

    public Task<bool> TryAcquireLockAsync(string lockKey, string runId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_locks.TryGetValue(lockKey, out var holder))
            {
                return Task.FromResult(holder == runId);
            }

            _locks[lockKey] = runId;
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<RunRecord>> GetQueuedRunsAsync(string lockKey, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<RunRecord> queued = _runs.Values
                .Where(r => r.LockKey == lockKey && r.Status == RunStatus.Pending)
                .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id, StringComparer.Ordinal)
                .ToArray();
            return Task.FromResult(queued);
        }
    }

    public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_runs.GetValueOrDefault(runId));
        }
    }

    public Task<IReadOnlyList<StepRecord>> GetStepsAsync(string runId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<StepRecord> steps = _steps.TryGetValue(runId, out var found) ? found.Values.OrderBy(s => s.Position).ToArray() : [];
            return Task.FromResult(steps);
        }
    }

    public Task<IReadOnlyList<HistoryEntry>> GetHistoryAsync(string runId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<HistoryEntry> history = _history.TryGetValue(runId, out var found) ? found.ToArray() : [];
            return Task.FromResult(history);
        }
    }

    public Task<IReadOnlyList<StepLogLine>> GetStepLogAsync(string runId, string step, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<StepLogLine> lines = _logs.Where(l => l.Line.RunId == runId && l.Line.Step == step).Select(l => l.Line).ToArray();
            return Task.FromResult(lines);
        }
    }

    public Task<StepLogPage> GetStepLogAfterAsync(string runId, string step, long after, int take, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var page = _logs.Where(l => l.Id > after && l.Line.RunId == runId && l.Line.Step == step).Take(take + 1).ToArray();
            var lines = page.Take(take).ToArray();
            return Task.FromResult(new StepLogPage(lines.Select(l => l.Line).ToArray(), lines.Length == 0 ? after : lines[^1].Id, page.Length > take));
        }
    }

    public Task<int> TrimStepLogsAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var deleted = _logs.RemoveAll(l => _runs.TryGetValue(l.Line.RunId, out var run) && run.EndedAt < before);
            return Task.FromResult(deleted);
        }
    }

    /// <summary>Every run with its steps, copied under the lock, for <see cref="InMemoryRunReports"/>.</summary>
    internal IReadOnlyList<RunSnapshot> Snapshot()
    {
        lock (_gate)
        {
            return _runs.Values.Select(r => new RunSnapshot(r, _steps[r.Id].Values.ToArray())).ToArray();
        }
    }

    public Task<RunPage> ListRunsAsync(RunQuery query, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var matching = _runs.Values
                .Where(r => query.Workflow is null || string.Equals(r.Workflow, query.Workflow, StringComparison.OrdinalIgnoreCase))
                .Where(r => query.Status is null || r.Status == query.Status)
                .Where(r => query.RequestedBy is null || string.Equals(r.RequestedById, query.RequestedBy, StringComparison.OrdinalIgnoreCase))
                .Where(r => query.From is null || r.CreatedAt >= query.From)
                .Where(r => query.To is null || r.CreatedAt < query.To)
                .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id, StringComparer.Ordinal)
                .ToArray();
            return Task.FromResult(new RunPage(matching.Skip(query.Skip).Take(query.Take).ToArray(), matching.Length));
        }
    }

    public Task<IReadOnlyList<RunSnapshot>> GetActiveRunsAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<RunSnapshot> active = _runs.Values
                .Where(r => StateMachine.IsActive(r.Status))
                .OrderBy(r => r.CreatedAt)
                .Select(r => new RunSnapshot(r, _steps[r.Id].Values.OrderBy(s => s.Position).ToArray()))
                .ToArray();
            return Task.FromResult(active);
        }
    }

    /// <summary>
    /// A change that says what it replaces must be right: the database stores keep their step-duration rollup from
    /// it, so a wrong claim would skew reports for ever. Checking it here makes every engine test check it.
    /// </summary>
    private void CheckSavedSteps(RunChange change)
    {
        if (change.SavedSteps is not { } saved)
        {
            return;
        }

        if (saved.Count != change.Steps.Count)
        {
            throw new InvalidOperationException($"Run {change.Run.Id}: {change.Steps.Count} changed steps but {saved.Count} saved ones.");
        }

        var stored = _steps[change.Run.Id];
        foreach (var (step, before) in change.Steps.Zip(saved))
        {
            if (step.Name != before.Name || !stored.TryGetValue(before.Name, out var held)
                || (held.StartedAt, held.EndedAt, held.Attempt) != (before.StartedAt, before.EndedAt, before.Attempt))
            {
                throw new InvalidOperationException($"Run {change.Run.Id}: the saved step '{before.Name}' the change names is not the one stored.");
            }
        }
    }
}
