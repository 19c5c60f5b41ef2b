using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Testing;

/// <summary>A store that hands everything to another; tests override the save to fail or hold it.</summary>
public abstract class DelegatingRunStore(IRunStore inner) : IRunStore
{
    public virtual Task SaveAsync(RunChange change, CancellationToken cancellationToken = default) => inner.SaveAsync(change, cancellationToken);

    public Task<CreateRunResult> CreateRunAsync(NewRun run, CancellationToken cancellationToken = default) => inner.CreateRunAsync(run, cancellationToken);

    public Task<StepLogPage> GetStepLogAfterAsync(string runId, string step, long after, int take, CancellationToken cancellationToken = default) =>
        inner.GetStepLogAfterAsync(runId, step, after, take, cancellationToken);

    public Task<int> TrimStepLogsAsync(DateTimeOffset before, CancellationToken cancellationToken = default) => inner.TrimStepLogsAsync(before, cancellationToken);

    public Task<bool> TryAcquireLockAsync(string lockKey, string runId, CancellationToken cancellationToken = default) => inner.TryAcquireLockAsync(lockKey, runId, cancellationToken);

    public Task<IReadOnlyList<RunRecord>> GetQueuedRunsAsync(string lockKey, CancellationToken cancellationToken = default) => inner.GetQueuedRunsAsync(lockKey, cancellationToken);

    public virtual Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken = default) => inner.GetRunAsync(runId, cancellationToken);

    public virtual Task<IReadOnlyList<StepRecord>> GetStepsAsync(string runId, CancellationToken cancellationToken = default) => inner.GetStepsAsync(runId, cancellationToken);

    public Task<IReadOnlyList<HistoryEntry>> GetHistoryAsync(string runId, CancellationToken cancellationToken = default) => inner.GetHistoryAsync(runId, cancellationToken);

    public Task<IReadOnlyList<StepLogLine>> GetStepLogAsync(string runId, string step, CancellationToken cancellationToken = default) => inner.GetStepLogAsync(runId, step, cancellationToken);

    public Task<RunPage> ListRunsAsync(RunQuery query, CancellationToken cancellationToken = default) => inner.ListRunsAsync(query, cancellationToken);

    public Task<IReadOnlyList<RunSnapshot>> GetActiveRunsAsync(CancellationToken cancellationToken = default) => inner.GetActiveRunsAsync(cancellationToken);
}
