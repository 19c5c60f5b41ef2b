using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;

namespace OpsFlow.Persistence;

/// <summary>
/// One writer for the database, with group commit. SQLite takes one writer at a time, so instead of many
/// connections queueing on its lock, every write joins a queue; the writer applies as many as are waiting in
/// one transaction (each behind a savepoint, so one failing write fails alone) and completes them all after
/// the commit. A caller's write is durable when its task completes, never before.
/// </summary>
internal sealed class WriteQueue : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private readonly Channel<WriteOp> _queue = Channel.CreateUnbounded<WriteOp>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IDbContextFactory<OpsFlowDbContext> _contexts;
    private readonly Task _writer;

    public WriteQueue(IDbContextFactory<OpsFlowDbContext> contexts)
    {
        _contexts = contexts;
        _writer = Task.Run(WriteLoopAsync);
    }

    public Task<T> RunAsync<T>(Func<OpsFlowDbContext, CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        var op = new WriteOp<T>(write, cancellationToken);
        if (!_queue.Writer.TryWrite(op))
        {
            throw new ObjectDisposedException(nameof(WriteQueue), "The database writer has stopped.");
        }

        return op.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<WriteOp>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var op))
            {
                if (!op.CancelIfRequested())
                {
                    batch.Add(op);
                }
            }

            if (batch.Count > 0)
            {
                await WriteBatchAsync(batch);
                batch.Clear();
            }
        }
    }

    private async Task WriteBatchAsync(List<WriteOp> batch)
    {
        var done = new List<WriteOp>(batch.Count);
        try
        {
            await using var db = await _contexts.CreateDbContextAsync();
            await using var transaction = await db.Database.BeginTransactionAsync();
            for (var i = 0; i < batch.Count; i++)
            {
                var op = batch[i];
                var savepoint = $"w{i}";
                if (batch.Count > 1)
                {
                    await transaction.CreateSavepointAsync(savepoint);
                }

                try
                {
                    await op.ExecuteAsync(db);
                    done.Add(op);
                }
                catch (Exception ex) when (batch.Count > 1)
                {
                    // This write fails alone; the others in the batch go on.
                    await transaction.RollbackToSavepointAsync(savepoint);
                    op.Fail(ex);
                }
                finally
                {
                    db.ChangeTracker.Clear();
                }
            }

            await transaction.CommitAsync();
        }
        catch (Exception ex)
        {
            // The transaction did not commit: none of its writes happened.
            foreach (var op in batch.Where(o => !o.IsCompleted))
            {
                op.Fail(ex);
            }

            return;
        }

        foreach (var op in done)
        {
            op.Complete();
        }
    }

    private abstract class WriteOp
    {
        public abstract bool IsCompleted { get; }

        public abstract Task ExecuteAsync(OpsFlowDbContext db);

        public abstract void Complete();

        public abstract void Fail(Exception exception);

        public abstract bool CancelIfRequested();
    }

    private sealed class WriteOp<T>(Func<OpsFlowDbContext, CancellationToken, Task<T>> write, CancellationToken cancellationToken) : WriteOp
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
}
