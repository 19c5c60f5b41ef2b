using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Execution;

/// <summary>Resuming runs: at start-up, after a failed save, and when a lock key frees up for a queued run.</summary>
public sealed partial class WorkflowEngine
{
    /// <summary>Resumes every active run from the database. Call once at start, before taking requests.</summary>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken = default)
    {
        var started = _clock.GetTimestamp();
        StartLeaseWork();
        var snapshots = await _store.GetActiveRunsAsync(cancellationToken);
        var resumed = 0;
        await _loading.WaitAsync(cancellationToken);
        try
        {
            foreach (var found in snapshots.Where(s => !_active.ContainsKey(s.Run.Id)))
            {
                // Several hosts: only a run no live host holds is resumed here, read again once it is ours.
                if (!await ClaimAsync(found.Run.Id, cancellationToken))
                {
                    continue;
                }

                var snapshot = found;
                if (_ownership.IsShared && await _store.GetRunAsync(found.Run.Id, cancellationToken) is { } fresh)
                {
                    snapshot = new RunSnapshot(fresh, await _store.GetStepsAsync(fresh.Id, cancellationToken));
                }

                resumed += await ResumeAsync(snapshot, cancellationToken) is null ? 0 : 1;
            }
        }
        finally
        {
            _loading.Release();
        }

        Log.Recovered(_logger, resumed, _clock.GetElapsedTime(started).TotalMilliseconds);
        return resumed;
    }

    /// <summary>Loads a run this host has claimed; lets the claim go when the run cannot be loaded or has ended.</summary>
    private async Task<RunCoordinator?> ResumeAsync(RunSnapshot snapshot, CancellationToken cancellationToken)
    {
        var run = snapshot.Run;
        if (StateMachine.IsTerminal(run.Status))
        {
            await ReleaseAsync(run.Id);
            return null;
        }

        WorkflowDefinition definition;
        try
        {
            definition = await _catalog.MaterializeAsync(run.Workflow, run.WorkflowVersion, new ParameterValues(run.Parameters), cancellationToken);
        }
        catch (Exception ex) when (ex is WorkflowDefinitionException or KeyNotFoundException or InvalidOperationException)
        {
            // The run stays as it is in the database and is tried again at the next start.
            Log.CannotResume(_logger, run.Id, ex.Message);
            await ReleaseAsync(run.Id);
            return null;
        }

        var missing = snapshot.Steps.Select(s => s.Name).Where(n => definition.Find(n) is null).ToArray();
        if (missing.Length > 0)
        {
            Log.CannotResume(_logger, run.Id, $"its definition no longer declares step(s) {string.Join(", ", missing)}");
            await ReleaseAsync(run.Id);
            return null;
        }

        // A run holds its lock from Running until it ends or fails; a queued (Pending) run asks for it.
        var holdsLock = run.Status is not (RunStatus.Pending or RunStatus.Failed);
        var coordinator = new RunCoordinator(_services, definition, snapshot, holdsLock);
        Attach(coordinator, recovering: true);
        return coordinator;
    }

    /// <summary>
    /// Reloads a run that its coordinator gave up on. The delay doubles with each consecutive failure of the
    /// same run (up to <see cref="EngineOptions.MaxReviveDelay"/>), so a persistent fault does not spin.
    /// </summary>
    internal void ReviveLater(string runId)
    {
        if (_stopped)
        {
            return;
        }

        var failures = _revives.AddOrUpdate(runId, 1, (_, n) => n + 1);
        var delay = TimeSpan.FromTicks(Math.Min(
            _options.ReviveDelay.Ticks * (1L << Math.Min(failures - 1, 20)),
            _options.MaxReviveDelay.Ticks));
        Log.ReviveScheduled(_logger, runId, failures, delay);
        ITimer? timer = null;
        timer = _clock.CreateTimer(
            _ =>
            {
                timer?.Dispose();
                Interlocked.Decrement(ref _pendingRevives);
                _ = InActivityAsync(() => FindAsync(runId, CancellationToken.None));
            },
            null,
            delay,
            Timeout.InfiniteTimeSpan);
        Interlocked.Increment(ref _pendingRevives);
    }

    /// <summary>Reloads waiting for their delay; tests wait for one to be armed before they move a fake clock.</summary>
    internal int PendingRevives => Volatile.Read(ref _pendingRevives);

    private int _pendingRevives;

    /// <summary>A reloaded run saved a change again: its next failure starts the backoff afresh.</summary>
    internal void Healthy(string runId) => _revives.TryRemove(runId, out _);

    /// <summary>A lock key is free: the oldest run queued for it may start.</summary>
    internal void OnLockReleased(string lockKey) => _ = InActivityAsync(() => PromoteAsync(lockKey));

    /// <summary>Work the engine starts by itself (a reload, a promotion) counts towards its activity until it is done.</summary>
    private async Task InActivityAsync(Func<Task> work)
    {
        _services.Activity.Enter();
        try
        {
            await work();
        }
        finally
        {
            _services.Activity.Exit();
        }
    }

    private async Task PromoteAsync(string lockKey)
    {
        try
        {
            var queued = await _store.GetQueuedRunsAsync(lockKey);
            if (queued.Count > 0)
            {
                await DeliverAsync(queued[0].Id, new RunMessage.Kick(Recovering: false), CancellationToken.None);
            }
        }
        catch (Exception ex) when (!_stopped)
        {
            // The queued run stays Pending; it is promoted at the next release or the next start.
            Log.PromotionFailed(_logger, ex, lockKey);
        }
    }
}
