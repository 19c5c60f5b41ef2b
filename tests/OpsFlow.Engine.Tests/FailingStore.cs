using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Tests;

/// <summary>
/// A store whose Nth save fails (or every save from the Nth on), as a full disk or a lost connection would make it.
/// </summary>
public sealed class FailingStore(IRunStore inner, int failSave, bool keepFailing = false) : IRunStore
{
    private int _saves;

    public int Failures { get; private set; }

    public Task SaveAsync(RunChange change, CancellationToken cancellationToken = default)
    {
        var save = Interlocked.Increment(ref _saves);
        if (save == failSave || (keepFailing && save > failSave))
        {
            Failures++;
            throw new IOException("disk I/O error");
        }

        return inner.SaveAsync(change, cancellationToken);
    }

    public Task<CreateRunResult> CreateRunAsync(NewRun run, CancellationToken cancellationToken = default) => inner.CreateRunAsync(run, cancellationToken);

    public Task<StepLogPage> GetStepLogAfterAsync(string runId, string step, long after, int take, CancellationToken cancellationToken = default) =>
        inner.GetStepLogAfterAsync(runId, step, after, take, cancellationToken);

    public Task<int> TrimStepLogsAsync(DateTimeOffset before, CancellationToken cancellationToken = default) => inner.TrimStepLogsAsync(before, cancellationToken);

    public Task<bool> TryAcquireLockAsync(string lockKey, string runId, CancellationToken cancellationToken = default) => inner.TryAcquireLockAsync(lockKey, runId, cancellationToken);

    public Task<IReadOnlyList<RunRecord>> GetQueuedRunsAsync(string lockKey, CancellationToken cancellationToken = default) => inner.GetQueuedRunsAsync(lockKey, cancellationToken);

    public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken = default) => inner.GetRunAsync(runId, cancellationToken);

    public Task<IReadOnlyList<StepRecord>> GetStepsAsync(string runId, CancellationToken cancellationToken = default) => inner.GetStepsAsync(runId, cancellationToken);

    public Task<IReadOnlyList<HistoryEntry>> GetHistoryAsync(string runId, CancellationToken cancellationToken = default) => inner.GetHistoryAsync(runId, cancellationToken);

    public Task<IReadOnlyList<StepLogLine>> GetStepLogAsync(string runId, string step, CancellationToken cancellationToken = default) => inner.GetStepLogAsync(runId, step, cancellationToken);

    public Task<RunPage> ListRunsAsync(RunQuery query, CancellationToken cancellationToken = default) => inner.ListRunsAsync(query, cancellationToken);

    public Task<IReadOnlyList<RunSnapshot>> GetActiveRunsAsync(CancellationToken cancellationToken = default) => inner.GetActiveRunsAsync(cancellationToken);
}
