using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Execution;

/// <summary>A change that reached the store, and whether it is the first since the run was reloaded.</summary>
internal sealed record SavedChange(RunChange Change, bool FirstSinceReload);

/// <summary>
/// The unit of work of one run: its record, its steps, and what the message being handled changed (steps, history
/// entries, a lock key to let go). Every transition is checked against the state tables here and appended to the
/// history. <see cref="SaveAsync"/> writes the pending changes in one transaction through the store port; nothing
/// acts on a change before that (docs/engine.md, "One coordinator per run"). Only the coordinator's loop calls it.
/// </summary>
internal sealed class RunChanges
{
    /// <summary>The actor of the transitions the engine makes by itself.</summary>
    public const string System = "system";

    private readonly IRunStore _store;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Dictionary<string, StepRecord> _steps;
    // The steps as the store holds them: what each change says it replaces (RunChange.SavedSteps).
    private readonly Dictionary<string, StepRecord> _savedSteps;
    private readonly List<HistoryEntry> _history = [];
    private readonly HashSet<string> _dirtySteps = new(StringComparer.Ordinal);
    private RunRecord _run;
    private long _expectedVersion;
    private bool _holdsLock;
    private string? _releaseLock;
    // Set while a reloaded run has not saved a change yet (see WorkflowEngine.ReviveLater).
    private bool _reloaded;

    public RunChanges(RunSnapshot snapshot, bool holdsLock, IRunStore store, TimeProvider clock, ILogger logger)
    {
        _store = store;
        _clock = clock;
        _logger = logger;
        _run = snapshot.Run;
        _expectedVersion = snapshot.Run.Version;
        _steps = snapshot.Steps.ToDictionary(s => s.Name, StringComparer.Ordinal);
        _savedSteps = new Dictionary<string, StepRecord>(_steps, StringComparer.Ordinal);
        _holdsLock = holdsLock || snapshot.Run.LockKey is null;
    }

    public string RunId => _run.Id;

    /// <summary>The run as the changes so far leave it (saved or not).</summary>
    public RunRecord Run => _run;

    /// <summary>The steps as the changes so far leave them, in declaration order.</summary>
    public IReadOnlyDictionary<string, StepRecord> Steps => _steps;

    private DateTimeOffset Now => _clock.GetUtcNow();

    public void MoveRun(RunStatus to, string actor, string reason)
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
        Log.RunMoved(_logger, RunId, from, to, reason);
    }

    /// <summary>The run's error, shown on its card: set when it fails, cleared when it is retried.</summary>
    public void SetRunError(string? error) => _run = _run with { Error = error };

    public StepRecord MoveStep(string step, StepStatus to, string actor, string reason, Func<StepRecord, StepRecord>? change = null)
    {
        var current = _steps[step];
        StateMachine.EnsureStep(RunId, step, current.Status, to);
        var next = current with
        {
            Status = to,
            EndedAt = to is StepStatus.Running or StepStatus.Pending or StepStatus.Waiting or StepStatus.Compensating ? null : Now,
        };
        next = change?.Invoke(next) ?? next;
        _steps[step] = next;
        _dirtySteps.Add(step);
        AddHistory(HistoryKind.Step, actor, step, current.Status.ToString(), to.ToString(), reason);
        return next;
    }

    /// <summary>
    /// An approval decided on an old plan asks again: back to Pending with no votes, deadline, escalation or extension
    /// (<see cref="StateMachine.EnsureAskAgain"/>); the scheduler requests it anew when the run goes on.
    /// </summary>
    public void AskAgain(string step, string actor, string reason)
    {
        var current = _steps[step];
        StateMachine.EnsureAskAgain(RunId, step, current.Status);
        _steps[step] = current with
        {
            Status = StepStatus.Pending, StartedAt = null, EndedAt = null, DueAt = null, Votes = [], Escalated = false, Extensions = 0, CompletedSeq = null,
        };
        _dirtySteps.Add(step);
        AddHistory(HistoryKind.Step, actor, step, current.Status.ToString(), nameof(StepStatus.Pending), reason);
    }

    /// <summary>New parameter values for the run (a paused run's parameters changed); the caller records who and why.</summary>
    public void SetParameters(IReadOnlyDictionary<string, string> parameters) => _run = _run with { Parameters = parameters };

    /// <summary>Changes a step's record without a transition (votes, deadlines, progress).</summary>
    public void UpdateStep(string step, Func<StepRecord, StepRecord> change)
    {
        _steps[step] = change(_steps[step]);
        _dirtySteps.Add(step);
    }

    public void Audit(string? step, string actor, string reason) =>
        AddHistory(HistoryKind.Audit, actor, step, null, null, reason);

    private void AddHistory(HistoryKind kind, string actor, string? step, string? from, string? to, string reason)
    {
        _run = _run with { HistorySeq = _run.HistorySeq + 1 };
        _history.Add(new HistoryEntry(RunId, _run.HistorySeq, Now, kind, actor, step, from, to, reason));
    }

    /// <summary>The run was loaded from the store (a restart, a revive): its first save tells the engine it is healthy.</summary>
    public void MarkReloaded() => _reloaded = true;

    /// <summary>
    /// Takes the run's lock key if it does not hold it yet (a queued run, a retried one). The store grants it at once
    /// or refuses; it is not part of the change, since another run may be waiting for the same key.
    /// </summary>
    public async Task<bool> TryHoldLockAsync(CancellationToken cancellationToken)
    {
        if (!_holdsLock && _run.LockKey is { } key)
        {
            _holdsLock = await _store.TryAcquireLockAsync(key, RunId, cancellationToken);
        }

        return _holdsLock;
    }

    /// <summary>Lets the lock key go with the change being recorded; returns the key, or null when none was held.</summary>
    public string? ReleaseLock()
    {
        if (!_holdsLock || _run.LockKey is not { } key)
        {
            return null;
        }

        _releaseLock = key;
        _holdsLock = false;
        return key;
    }

    /// <summary>
    /// Saves the pending changes with <paramref name="logs"/> in one transaction. Null when there was nothing to save.
    /// Throws what the store throws; the pending changes are kept then, and the caller gives the run up.
    /// </summary>
    public async Task<SavedChange?> SaveAsync(IReadOnlyList<StepLogLine> logs, CancellationToken cancellationToken)
    {
        if (_history.Count == 0 && _dirtySteps.Count == 0 && logs.Count == 0)
        {
            return null;
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
        await _store.SaveAsync(change, cancellationToken);

        _expectedVersion++;
        _run = change.Run;
        foreach (var step in steps)
        {
            _savedSteps[step.Name] = step;
        }

        _history.Clear();
        _dirtySteps.Clear();
        _releaseLock = null;
        var first = _reloaded;
        _reloaded = false;
        return new SavedChange(change, first);
    }
}
