using Microsoft.EntityFrameworkCore;

namespace OpsFlow.Persistence;

// The writes the WriteQueue carries. A write completes (its task finishes) only after its batch commits.

internal abstract class WriteOp
{
    public abstract bool IsCompleted { get; }

    public abstract Task ExecuteAsync(OpsFlowDbContext db);

    public abstract void Complete();

    public abstract void Fail(Exception exception);

    public abstract bool CancelIfRequested();
}

internal class WriteOp<T>(Func<OpsFlowDbContext, CancellationToken, Task<T>> write, CancellationToken cancellationToken) : WriteOp
{
    private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? _result;

    public Task<T> Task => _done.Task;

    public override bool IsCompleted => _done.Task.IsCompleted;

    // The write itself is not cancelled half-way: once in a batch it commits or fails with the batch.
    public override async Task ExecuteAsync(OpsFlowDbContext db) => _result = await write(db, CancellationToken.None);

    public override void Complete() => _done.TrySetResult(_result!);

    public override void Fail(Exception exception) => _done.TrySetException(exception);

    public override bool CancelIfRequested() => cancellationToken.IsCancellationRequested && _done.TrySetCanceled(cancellationToken);
}

internal sealed class StagedOp(
    Action<OpsFlowDbContext> stage,
    Func<OpsFlowDbContext, CancellationToken, Task>? afterSave,
    IReadOnlyList<StepDurationRollupRow> rollup,
    Func<Exception, Exception> translate,
    CancellationToken cancellationToken)
    : WriteOp<bool>(async (db, ct) =>
    {
        stage(db);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (Exception ex)
        {
            throw translate(ex);
        }

        if (afterSave is not null)
        {
            await afterSave(db, ct);
        }

        await StepDurationRollup.ApplyAsync(db, rollup, ct);
        return true;
    }, cancellationToken)
{
    /// <summary>What the write adds to the step-duration rollup; a batch applies every write's in one statement.</summary>
    public IReadOnlyList<StepDurationRollupRow> Rollup => rollup;

    public void Stage(OpsFlowDbContext db) => stage(db);

    public System.Threading.Tasks.Task AfterSaveAsync(OpsFlowDbContext db) =>
        afterSave is null ? System.Threading.Tasks.Task.CompletedTask : afterSave(db, CancellationToken.None);
}
