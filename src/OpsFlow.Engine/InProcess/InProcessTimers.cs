using System.Collections.Concurrent;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.InProcess;

/// <summary>
/// Timers in this process's memory, on the injected <see cref="TimeProvider"/> (so tests drive them with a
/// fake clock). They do not survive a restart, and need not: the engine re-arms every timer of an active run
/// from its durable state at start-up. Quartz replaces this for schedules and clustering.
/// </summary>
public sealed class InProcessTimers(TimeProvider clock, Func<IWorkflowTimerHandler> handler) : IWorkflowTimers, IDisposable
{
    private readonly ConcurrentDictionary<(string RunId, string Step, TimerKind Kind), TimerSlot> _timers = new();

    public Task ScheduleAsync(WorkflowTimer timer, CancellationToken cancellationToken = default)
    {
        var key = (timer.RunId, timer.Step, timer.Kind);
        var delay = timer.DueAt - clock.GetUtcNow();
        if (delay <= TimeSpan.Zero)
        {
            // Already due (a deadline that passed while the host was down): fire once, now.
            _ = CancelAsync(timer.RunId, timer.Step, timer.Kind, cancellationToken);
            _ = Task.Run(() => handler().OnTimerAsync(timer, CancellationToken.None), CancellationToken.None);
            return Task.CompletedTask;
        }

        var slot = new TimerSlot();
        slot.Timer = clock.CreateTimer(_ => Fire(key, slot, timer), null, delay, Timeout.InfiniteTimeSpan);
        _timers.AddOrUpdate(key, slot, (_, old) =>
        {
            old.Timer?.Dispose();
            return slot;
        });
        return Task.CompletedTask;
    }

    public Task CancelAsync(string runId, string step, TimerKind kind, CancellationToken cancellationToken = default)
    {
        if (_timers.TryRemove((runId, step, kind), out var slot))
        {
            slot.Timer?.Dispose();
        }

        return Task.CompletedTask;
    }

    /// <summary>Timers armed and not yet fired.</summary>
    public int Pending => _timers.Count;

    public void Dispose()
    {
        foreach (var slot in _timers.Values)
        {
            slot.Timer?.Dispose();
        }

        _timers.Clear();
    }

    private void Fire((string, string, TimerKind) key, TimerSlot slot, WorkflowTimer timer)
    {
        _timers.TryRemove(new KeyValuePair<(string, string, TimerKind), TimerSlot>(key, slot));
        slot.Timer?.Dispose();
        _ = handler().OnTimerAsync(timer, CancellationToken.None);
    }

    /// <summary>Holds the timer so its own callback can find and remove it.</summary>
    private sealed class TimerSlot
    {
        public ITimer? Timer { get; set; }
    }
}
