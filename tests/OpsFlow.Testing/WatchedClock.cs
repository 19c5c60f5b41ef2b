using Microsoft.Extensions.Time.Testing;

namespace OpsFlow.Testing;

/// <summary>
/// A FakeTimeProvider that also tells when timers are created, so a test advances time only after the code under
/// test started waiting (advancing earlier would be lost: the wait would start from the new time).
/// </summary>
public sealed class WatchedClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _sync = new();
    private readonly List<TimeSpan> _timers = [];
    private TaskCompletionSource _created = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FakeTimeProvider Fake { get; } = new(start);

    public IReadOnlyList<TimeSpan> Timers
    {
        get
        {
            lock (_sync)
            {
                return [.. _timers];
            }
        }
    }

    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

    public override long GetTimestamp() => Fake.GetTimestamp();

    public override long TimestampFrequency => Fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Fake.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = Fake.CreateTimer(callback, state, dueTime, period);
        TaskCompletionSource created;
        lock (_sync)
        {
            _timers.Add(dueTime);
            created = _created;
            _created = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        created.TrySetResult();
        return timer;
    }

    public void Advance(TimeSpan by) => Fake.Advance(by);

    /// <summary>Waits (real time, bounded) until <paramref name="count"/> timers matching <paramref name="match"/> were created; returns the last one's due time.</summary>
    public async Task<TimeSpan> WaitForTimerAsync(Func<TimeSpan, bool> match, int count = 1)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            Task signal;
            lock (_sync)
            {
                var matching = _timers.Where(match).ToList();
                if (matching.Count >= count)
                {
                    return matching[count - 1];
                }

                signal = _created.Task;
            }

            await signal.WaitAsync(timeout.Token);
        }
    }
}
