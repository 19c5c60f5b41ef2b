using System.Collections.Concurrent;

namespace OpsFlow.Persistence;

/// <summary>
/// Threads of their own for a database driver that blocks. Microsoft.Data.Sqlite has no asynchronous I/O: its async
/// methods run the statement on the calling thread, and a statement that meets another writer's lock sleeps there in
/// SQLite's busy handler for up to the busy timeout. Run on the thread pool, every such call held a pool thread, and a
/// host that had just started (migrations, Quartz's job store, the re-delivered runs' writes and card reads at once)
/// starved the pool: the answer to a card's POST then waited seconds for a thread to run its continuation, and a kill
/// in that time left a card no process knew of (docs/reliability.md). Here the blocking waits cost these threads only;
/// the pool stays free for the continuations that make a card's id durable.
/// A task queued here runs to its first truly asynchronous await on one of these threads and, since persistence code
/// does not use ConfigureAwait(false), continues here after it. PostgreSQL's driver is asynchronous and needs none.
/// </summary>
public sealed class DatabaseThreads : TaskScheduler, IDisposable
{
    private readonly BlockingCollection<Task> _queue = [];
    private readonly Thread[] _threads;

    /// <param name="count">How many statements may block at once; SQLite in WAL mode reads in parallel with its one writer.</param>
    public DatabaseThreads(int count = 8)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _threads = new Thread[count];
        for (var i = 0; i < count; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = $"opsflow-db-{i}" };
            _threads[i].Start();
        }
    }

    public override int MaximumConcurrencyLevel => _threads.Length;

    /// <summary>
    /// Runs <paramref name="work"/> on these threads; its result, or its failure, is the returned task's. The caller
    /// continues on the pool, never here: these threads are for blocking statements, not for the engine's code.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken) =>
        await Task.Factory.StartNew(work, cancellationToken, TaskCreationOptions.DenyChildAttach, this).Unwrap()
            .ConfigureAwait(ConfigureAwaitOptions.ForceYielding);

    /// <inheritdoc cref="RunAsync{T}(Func{Task{T}}, CancellationToken)"/>
    public async Task RunAsync(Func<Task> work, CancellationToken cancellationToken) =>
        await Task.Factory.StartNew(work, cancellationToken, TaskCreationOptions.DenyChildAttach, this).Unwrap()
            .ConfigureAwait(ConfigureAwaitOptions.ForceYielding);

    /// <summary>Queued work still runs; the threads end once the queue is empty.</summary>
    public void Dispose() => _queue.CompleteAdding();

    protected override void QueueTask(Task task)
    {
        try
        {
            _queue.Add(task);
        }
        catch (InvalidOperationException)
        {
            // Disposed with work still arriving (a store used during shutdown): the pool runs it rather than nobody.
            ThreadPool.UnsafeQueueUserWorkItem(t => TryExecuteTask(t), task, preferLocal: false);
        }
    }

    /// <summary>Inline only on our own threads: a pool thread must not take up a blocking statement.</summary>
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        Array.IndexOf(_threads, Thread.CurrentThread) >= 0 && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

    private void Work()
    {
        foreach (var task in _queue.GetConsumingEnumerable())
        {
            TryExecuteTask(task);
        }
    }
}
