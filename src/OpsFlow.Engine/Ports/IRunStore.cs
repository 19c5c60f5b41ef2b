using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Ports;

/// <summary>
/// Durable state of runs. Every method is atomic. The engine awaits a save before it announces or acts on
/// the change, so a change the store has accepted survives a crash, and one it has not never happened.
/// </summary>
public interface IRunStore
{
    /// <summary>
    /// Creates a run with its steps and first history entry, in one transaction. Refuses a duplicate
    /// <see cref="RunRecord.RequestId"/>; takes the run's lock key when it is free.
    /// </summary>
    Task<CreateRunResult> CreateRunAsync(NewRun run, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies a change to one run in one transaction. Fails with <see cref="ConcurrencyException"/> when the
    /// stored version is not <see cref="RunChange.ExpectedVersion"/>: somebody else changed the run.
    /// </summary>
    Task SaveAsync(RunChange change, CancellationToken cancellationToken = default);

    /// <summary>Gives the lock to <paramref name="runId"/> if nobody holds it; true when it did.</summary>
    Task<bool> TryAcquireLockAsync(string lockKey, string runId, CancellationToken cancellationToken = default);

    /// <summary>Runs waiting (Pending) for <paramref name="lockKey"/>, oldest first.</summary>
    Task<IReadOnlyList<RunRecord>> GetQueuedRunsAsync(string lockKey, CancellationToken cancellationToken = default);

    Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<StepRecord>> GetStepsAsync(string runId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<HistoryEntry>> GetHistoryAsync(string runId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<StepLogLine>> GetStepLogAsync(string runId, string step, CancellationToken cancellationToken = default);

    /// <summary>
    /// A step's log lines after the cursor <paramref name="after"/> (0: from the start), oldest first, at most
    /// <paramref name="take"/>: what a live view polls. The page's <see cref="StepLogPage.Next"/> is the next cursor.
    /// </summary>
    Task<StepLogPage> GetStepLogAfterAsync(string runId, string step, long after, int take, CancellationToken cancellationToken = default);

    /// <summary>
    /// Retention: deletes the log lines of every run that ended before <paramref name="before"/>, keeping the runs,
    /// their steps (status, error, outputs, timings) and history. Returns how many lines it deleted.
    /// </summary>
    Task<int> TrimStepLogsAsync(DateTimeOffset before, CancellationToken cancellationToken = default);

    Task<RunPage> ListRunsAsync(RunQuery query, CancellationToken cancellationToken = default);

    /// <summary>Every run that is not terminal, with its steps: what recovery resumes after a restart.</summary>
    Task<IReadOnlyList<RunSnapshot>> GetActiveRunsAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// A new run, its steps and the entry that records its creation. When its lock key is held,
/// <paramref name="QueueIfLocked"/> creates it Pending behind the holder instead of refusing it.
/// </summary>
public sealed record NewRun(RunRecord Run, IReadOnlyList<StepRecord> Steps, HistoryEntry Created, bool QueueIfLocked = false);

public abstract record CreateRunResult
{
    /// <summary>The run was created; <paramref name="LockAcquired"/> is false when it waits in the queue for its key.</summary>
    public sealed record Created(RunRecord Run, bool LockAcquired, string? HolderRunId = null) : CreateRunResult;

    /// <summary>A run with the same request id exists already: nothing new was created.</summary>
    public sealed record Duplicate(RunRecord Existing) : CreateRunResult;

    /// <summary>The lock key is held (and the workflow refuses rather than queues): nothing was created.</summary>
    public sealed record LockHeld(RunRecord Holder) : CreateRunResult;
}

/// <summary>One atomic change to a run: its new row, changed steps, new history, log lines, a lock to release.</summary>
public sealed record RunChange(RunRecord Run, long ExpectedVersion)
{
    public IReadOnlyList<StepRecord> Steps { get; init; } = [];
    public IReadOnlyList<HistoryEntry> History { get; init; } = [];
    public IReadOnlyList<StepLogLine> Logs { get; init; } = [];
    public string? ReleaseLock { get; init; }

    /// <summary>
    /// The same steps as <see cref="Steps"/>, as they were last saved (what the store holds until this change), or
    /// null when the caller does not know. A store that keeps figures derived from step rows (the step-duration
    /// rollup) takes the difference from these instead of reading the rows back inside the write. Only their
    /// timings and attempt count are used, and a store may check them against what it holds.
    /// </summary>
    public IReadOnlyList<StepRecord>? SavedSteps { get; init; }
}

/// <summary>A run and all its steps.</summary>
public sealed record RunSnapshot(RunRecord Run, IReadOnlyList<StepRecord> Steps);

/// <summary>Filters for listing runs; every field is optional.</summary>
public sealed record RunQuery
{
    public string? Workflow { get; init; }
    public RunStatus? Status { get; init; }
    public string? RequestedBy { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    public int Skip { get; init; }
    public int Take { get; init; } = 50;
}

/// <summary>Log lines after a cursor; <paramref name="More"/> when the page was full and more lines wait.</summary>
public sealed record StepLogPage(IReadOnlyList<StepLogLine> Lines, long Next, bool More);

public sealed record RunPage(IReadOnlyList<RunRecord> Runs, int Total);

/// <summary>The stored run changed under us: another writer (or host) got there first.</summary>
public sealed class ConcurrencyException(string message) : Exception(message);
