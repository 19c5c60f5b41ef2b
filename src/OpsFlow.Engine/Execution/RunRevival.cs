using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Execution;

/// <summary>
/// Work the engine starts by itself for a run that has no coordinator: reloading a run whose coordinator gave up
/// (after a failed save or a bug), with a backoff per run, and starting the run queued next for a lock key that came
/// free. It owns the count of consecutive failures per run and of reloads waiting for their delay.
/// </summary>
internal sealed class RunRevival(
    IRunStore store,
    TimeProvider clock,
    EngineOptions options,
    ILogger logger,
    EngineActivity activity,
    ActiveRuns runs,
    Func<bool> stopped)
{
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private int _pending;

    /// <summary>Reloads waiting for their delay; tests wait for one to be armed before they move a fake clock.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>
    /// Reloads a run that its coordinator gave up on. The delay doubles with each consecutive failure of the
    /// same run (up to <see cref="EngineOptions.MaxReviveDelay"/>), so a persistent fault does not spin.
    /// </summary>
    public void ReviveLater(string runId)
    {
        if (stopped())
        {
            return;
        }

        var failures = _failures.AddOrUpdate(runId, 1, (_, n) => n + 1);
        var delay = TimeSpan.FromTicks(Math.Min(
            options.ReviveDelay.Ticks * (1L << Math.Min(failures - 1, 20)),
            options.MaxReviveDelay.Ticks));
        Log.ReviveScheduled(logger, runId, failures, delay);
        ITimer? timer = null;
        timer = clock.CreateTimer(
            _ =>
            {
                timer?.Dispose();
                Interlocked.Decrement(ref _pending);
                _ = InActivityAsync(() => runs.FindAsync(runId, CancellationToken.None));
            },
            null,
            delay,
            Timeout.InfiniteTimeSpan);
        Interlocked.Increment(ref _pending);
    }

    /// <summary>
    /// Loads a run again at once: its coordinator let it go on purpose (its parameters changed), so whatever its timers
    /// were due for is re-armed from the store by the reload rather than left for the next message.
    /// </summary>
    public void ReloadNow(string runId)
    {
        if (!stopped())
        {
            _ = InActivityAsync(() => runs.FindAsync(runId, CancellationToken.None));
        }
    }

    /// <summary>A reloaded run saved a change again: its next failure starts the backoff afresh.</summary>
    public void Healthy(string runId) => _failures.TryRemove(runId, out _);

    /// <summary>A lock key is free: the oldest run queued for it may start.</summary>
    public void LockReleased(string lockKey) => _ = InActivityAsync(() => PromoteAsync(lockKey));

    /// <summary>Work the engine starts by itself (a reload, a promotion) counts towards its activity until it is done.</summary>
    private async Task InActivityAsync(Func<Task> work)
    {
        activity.Enter();
        try
        {
            await work();
        }
        finally
        {
            activity.Exit();
        }
    }

    private async Task PromoteAsync(string lockKey)
    {
        try
        {
            var queued = await store.GetQueuedRunsAsync(lockKey);
            if (queued.Count > 0)
            {
                await runs.DeliverAsync(queued[0].Id, new RunMessage.Kick(Recovering: false), CancellationToken.None);
            }
        }
        catch (Exception ex) when (!stopped())
        {
            // The queued run stays Pending; it is promoted at the next release or the next start.
            Log.PromotionFailed(logger, ex, lockKey);
        }
    }
}
