namespace OpsFlow.Teams.Publishing;

/// <summary>
/// One conversation's state and what goes next in it: its runs' cards, the notifications waiting, the /status posts
/// waiting and Teams' rate budget, which all of them share. A run's first card is posted at once; after that an
/// update waits a moment after a change (changes come in bursts) and is written at most once a second, and the card
/// writes are spaced so the 30-second budget is never used up in a burst; a final state goes out at once. No I/O and
/// no clock of its own; owned by one <see cref="ConversationActor"/>.
/// </summary>
internal sealed class ConversationSchedule
{
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(300);
    public static readonly TimeSpan MinCardInterval = TimeSpan.FromSeconds(1);

    /// <summary>60 per 30 s is 2 a second: card writes in one conversation are paced at that rate.</summary>
    public static readonly TimeSpan CardSpacing = TimeSpan.FromMilliseconds(500);

    private readonly Dictionary<string, RunSlot> _slots = new(StringComparer.Ordinal);
    private readonly List<PendingNotice> _notices = [];
    private readonly Queue<PostCard> _posts = new();
    private readonly ConversationRateLimiter _limiter = new();
    private DateTimeOffset _lastCardOperation = DateTimeOffset.MinValue;

    public IEnumerable<RunSlot> Unprepared => _slots.Values.Where(s => !s.Prepared);

    public bool IsEmpty => _slots.Count == 0 && _notices.Count == 0 && _posts.Count == 0;

    public RunSlot Slot(string runId) => _slots.TryGetValue(runId, out var slot) ? slot : _slots[runId] = new RunSlot(runId);

    public RunSlot? Find(string runId) => _slots.GetValueOrDefault(runId);

    public void Forget(string runId) => _slots.Remove(runId);

    public void Add(PendingNotice notice) => _notices.Add(notice);

    public void Add(PostCard post) => _posts.Enqueue(post);

    /// <summary>True when no operation is inside the longest window either: the loop may end.</summary>
    public bool IsIdle(DateTimeOffset now) => IsEmpty && _limiter.IsIdle(now);

    /// <summary>The next operation if one is due and the budget has room; it is counted here.</summary>
    public ConversationOperation? Plan(DateTimeOffset now)
    {
        if (_limiter.WaitBefore(now) > TimeSpan.Zero)
        {
            return null;
        }

        if (_posts.TryDequeue(out var post))
        {
            Count(now, card: true);
            return new ConversationOperation.Post(post);
        }

        var notice = _notices.FirstOrDefault(n => n.NotBefore <= now);
        if (notice is not null)
        {
            _notices.Remove(notice);
            Count(now, card: false);
            return new ConversationOperation.Notify(notice);
        }

        if (_lastCardOperation + CardSpacing > now)
        {
            return null;
        }

        var slot = Candidates().Where(s => DueAt(s) <= now).MinBy(s => s.DirtySince);
        if (slot is null)
        {
            return null;
        }

        slot.MarkClean();
        Count(now, card: true);
        return new ConversationOperation.Flush(slot);
    }

    /// <summary>When the next operation is due (null: nothing is waiting).</summary>
    public DateTimeOffset? NextDue(DateTimeOffset now)
    {
        var room = now + _limiter.WaitBefore(now);
        if (_posts.Count > 0)
        {
            return room;
        }

        DateTimeOffset? notice = _notices.Count == 0 ? null : _notices.Min(n => n.NotBefore);
        var card = Candidates().Select(DueAt).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
        DateTimeOffset? cardDue = card == DateTimeOffset.MaxValue ? null : Max(card, _lastCardOperation + CardSpacing);
        var due = notice is null ? cardDue : cardDue is null ? notice : Min(notice.Value, cardDue.Value);
        return due is null ? null : Max(due.Value, room);
    }

    private void Count(DateTimeOffset now, bool card)
    {
        _limiter.Record(now);
        if (card)
        {
            _lastCardOperation = now;
        }
    }

    // A card posted without an id cannot be updated: only its final state (a new card) is worth a write.
    private IEnumerable<RunSlot> Candidates() =>
        _slots.Values.Where(s => s.Prepared && s.Dirty && !(s.Posted && s.ActivityId is null && !s.Final));

    private static DateTimeOffset DueAt(RunSlot slot)
    {
        // The first card goes out at once (it is the answer to the command); a final state too.
        var due = slot.Final || !slot.Posted ? slot.DirtySince
            : slot.LastFlush is { } last ? Max(slot.DirtySince + Debounce, last + MinCardInterval)
            : slot.DirtySince + Debounce;
        return Max(due, slot.RetryAt);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}

/// <summary>One thing a conversation's loop does next; planning it has already counted it against the budget.</summary>
internal abstract record ConversationOperation
{
    private ConversationOperation()
    {
    }

    public sealed record Flush(RunSlot Slot) : ConversationOperation;

    public sealed record Notify(PendingNotice Notice) : ConversationOperation;

    public sealed record Post(PostCard Request) : ConversationOperation;
}
