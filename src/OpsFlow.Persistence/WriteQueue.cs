using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;

namespace OpsFlow.Persistence;

/// <summary>
/// One writer per process for the database, with group commit. SQLite takes one writer at a time, so instead of
/// many connections queueing on its lock, every write joins a queue and the writer applies as many as are waiting
/// in one transaction, completing them all after the commit: a caller's write is durable when its task
/// completes, never before.
/// Staged writes (the hot path: a run's change) are added to one context and saved with one SaveChanges;
/// if that fails, they are applied again one by one, each behind a savepoint, so one bad write fails alone.
/// The writer keeps one connection open for its whole life, with the write pragmas set once on it. On PostgreSQL
/// several hosts each have their writer: rows they could both write are guarded by keys and versions (the stores
/// turn a lost race into the answer the winner's write implies).
/// </summary>
internal sealed class WriteQueue : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private readonly Channel<WriteOp> _queue = Channel.CreateUnbounded<WriteOp>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IDbContextFactory<OpsFlowDbContext> _contexts;
    private readonly DatabaseProvider _provider;
    private readonly Task _writer;

    /// <param name="threads">Where the writer runs when the driver blocks (SQLite): never on a pool thread.</param>
    public WriteQueue(IDbContextFactory<OpsFlowDbContext> contexts, DatabaseProvider provider, DatabaseThreads? threads = null)
    {
        _contexts = contexts;
        _provider = provider;
        _writer = threads is null ? Task.Run(WriteLoopAsync) : threads.RunAsync(WriteLoopAsync, CancellationToken.None);
    }

    /// <summary>Writes taken since start, and batches they were saved in: batches below writes means group commit works.</summary>
    public (long Writes, long Batches) Counts => (Interlocked.Read(ref _writes), Interlocked.Read(ref _batches));

    private long _writes;
    private long _batches;

    /// <summary>A write that reads and saves by itself (creating a run, taking a lock).</summary>
    public Task<T> RunAsync<T>(Func<OpsFlowDbContext, CancellationToken, Task<T>> write, CancellationToken cancellationToken) =>
        Enqueue(new WriteOp<T>(write, cancellationToken));

    /// <summary>
    /// A write that only adds or updates entities (<paramref name="stage"/>), may run a statement after the
    /// save (<paramref name="afterSave"/>) and adds <paramref name="rollup"/> to the step-duration rollup;
    /// <paramref name="translate"/> turns a failure into the caller's error.
    /// </summary>
    public Task StageAsync(
        Action<OpsFlowDbContext> stage,
        Func<OpsFlowDbContext, CancellationToken, Task>? afterSave,
        IReadOnlyList<StepDurationRollupRow> rollup,
        Func<Exception, Exception> translate,
        CancellationToken cancellationToken) =>
        Enqueue(new StagedOp(stage, afterSave, rollup, translate, cancellationToken));

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
        await CloseConnectionAsync();
    }

    /// <summary>
    /// A context on the writer's own connection, opened once and set up by the provider (on SQLite, the write pragmas).
    /// </summary>
    private async Task<OpsFlowDbContext> WriterContextAsync()
    {
        // Reused for every batch; its change tracker is cleared after each write.
        _db ??= await _provider.OpenWriterAsync(_contexts, CancellationToken.None);
        return _db;
    }

    private async Task CloseConnectionAsync()
    {
        if (_db is not null)
        {
            await _db.DisposeAsync();
            _db = null;
        }
    }

    private OpsFlowDbContext? _db;

    private Task<T> Enqueue<T>(WriteOp<T> op)
    {
        if (!_queue.Writer.TryWrite(op))
        {
            throw new ObjectDisposedException(nameof(WriteQueue), "The database writer has stopped.");
        }

        return op.Task;
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
                Interlocked.Add(ref _writes, batch.Count);
                Interlocked.Increment(ref _batches);
                batch.Clear();
            }
        }
    }

    private async Task WriteBatchAsync(List<WriteOp> batch)
    {
        var done = new List<WriteOp>(batch.Count);
        try
        {
            var db = await WriterContextAsync();
            await using var transaction = await db.Database.BeginTransactionAsync();
            var staged = batch.OfType<StagedOp>().ToList();
            if (staged.Count > 1 && await TryTogetherAsync(db, transaction, staged))
            {
                done.AddRange(staged);
            }
            else
            {
                staged.Clear();
            }

            var index = 0;
            foreach (var op in batch.Where(o => !staged.Contains(o)))
            {
                // A write alone in its batch needs no savepoint: if it fails, the whole transaction is its own.
                var savepoint = batch.Count > 1 ? $"w{index++}" : null;
                if (savepoint is not null)
                {
                    await transaction.CreateSavepointAsync(savepoint);
                }

                try
                {
                    await op.ExecuteAsync(db);
                    done.Add(op);
                }
                catch (Exception ex) when (savepoint is not null)
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
            // The transaction did not commit: none of its writes happened. The next batch opens a fresh connection.
            foreach (var op in batch.Where(o => !o.IsCompleted))
            {
                op.Fail(ex);
            }

            await CloseConnectionAsync();
            return;
        }

        foreach (var op in done)
        {
            op.Complete();
        }
    }

    /// <summary>All staged writes with one SaveChanges; false (and rolled back) when any of them fails.</summary>
    private static async Task<bool> TryTogetherAsync(OpsFlowDbContext db, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction, List<StagedOp> staged)
    {
        await transaction.CreateSavepointAsync("together");
        try
        {
            foreach (var op in staged)
            {
                op.Stage(db);
            }

            await db.SaveChangesAsync();
            foreach (var op in staged)
            {
                await op.AfterSaveAsync(db);
            }

            // One statement for the whole batch: with many runs ending steps at once, a statement per step would
            // cost more than the batch's SaveChanges.
            await StepDurationRollup.ApplyAsync(db, staged.SelectMany(o => o.Rollup).ToArray(), CancellationToken.None);
            return true;
        }
        catch (Exception)
        {
            // Which write failed is found by applying them one by one.
            await transaction.RollbackToSavepointAsync("together");
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }
}
