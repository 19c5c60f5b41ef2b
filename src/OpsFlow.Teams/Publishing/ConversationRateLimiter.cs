namespace OpsFlow.Teams.Publishing;

/// <summary>
/// Teams' limits for one bot in one conversation (docs/product.md §7) as sliding windows over the times of the operations
/// actually made. Not thread-safe: one conversation loop owns each (<see cref="ConversationSchedule"/>).
/// </summary>
public sealed class ConversationRateLimiter
{
    public static readonly IReadOnlyList<(TimeSpan Window, int Limit)> TeamsLimits =
    [
        (TimeSpan.FromSeconds(1), 7),
        (TimeSpan.FromSeconds(2), 8),
        (TimeSpan.FromSeconds(30), 60),
        (TimeSpan.FromHours(1), 1800),
    ];

    private static readonly TimeSpan Longest = TeamsLimits.Max(l => l.Window);
    private readonly List<DateTimeOffset> _times = [];

    /// <summary>How long until one more operation fits every window (zero: now).</summary>
    public TimeSpan WaitBefore(DateTimeOffset now)
    {
        Prune(now);
        var wait = TimeSpan.Zero;
        foreach (var (window, limit) in TeamsLimits)
        {
            // Operations inside (now - window, now]; the oldest that must leave for one more to fit decides the wait.
            var first = _times.FindIndex(t => t > now - window);
            var inside = first < 0 ? 0 : _times.Count - first;
            if (inside >= limit)
            {
                var until = _times[first + inside - limit] + window - now;
                wait = until > wait ? until : wait;
            }
        }

        return wait;
    }

    /// <summary>Counts an operation; kept in time order even when two callers record out of order.</summary>
    public void Record(DateTimeOffset at)
    {
        var index = _times.Count;
        while (index > 0 && _times[index - 1] > at)
        {
            index--;
        }

        _times.Insert(index, at);
    }

    /// <summary>True when no operation is inside the longest window: the budget has nothing to remember.</summary>
    public bool IsIdle(DateTimeOffset now)
    {
        Prune(now);
        return _times.Count == 0;
    }

    private void Prune(DateTimeOffset now)
    {
        var old = _times.FindIndex(t => t > now - Longest);
        _times.RemoveRange(0, old < 0 ? _times.Count : old);
    }
}
