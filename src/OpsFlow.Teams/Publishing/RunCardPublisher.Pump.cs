using OpsFlow.Teams.Cards;
using OpsFlow.Teams.Connector;
using OpsFlow.Teams.Ports;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Publishing;

/// <summary>
/// The scheduling: which card or notification goes next in each conversation. A run's first card is posted at
/// once; after that an update waits a moment after a change (changes come in bursts) and is written at most once a second, and a conversation's card
/// writes are spaced so its 30-second budget is never used up in a burst; a final state goes out at once.
/// </summary>
public sealed partial class RunCardPublisher
{
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(300);
    public static readonly TimeSpan MinCardInterval = TimeSpan.FromSeconds(1);
    /// <summary>60 per 30 s is 2 a second: card writes in one conversation are paced at that rate.</summary>
    public static readonly TimeSpan CardSpacing = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan PrepareRetry = TimeSpan.FromSeconds(5);
    private const int MaxNoticeFailures = 5;

    /// <summary>
    /// Does all the work that is due now, one operation per conversation at a time; returns how long until more
    /// is due (null: nothing is waiting). The background loop calls it; tests call it with a fake clock.
    /// </summary>
    internal async Task<TimeSpan?> PumpAsync(CancellationToken cancellationToken)
    {
        var unprepared = await PrepareAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var now = clock.GetUtcNow();
            List<Func<Task>> work = [];
            DateTimeOffset? next = unprepared ? now + PrepareRetry : null;
            lock (_gate)
            {
                ForgetIdleLanes(now);
                foreach (var (conversationId, lane) in _lanes)
                {
                    if (Plan(conversationId, lane, now, cancellationToken) is { } operation)
                    {
                        work.Add(operation);
                    }
                    else if (NextDue(conversationId, lane, now) is { } due && (next is null || due < next))
                    {
                        next = due;
                    }
                }
            }

            if (work.Count == 0)
            {
                return next is { } at ? (at > now ? at - now : TimeSpan.FromMilliseconds(10)) : null;
            }

            await Task.WhenAll(work.Select(operation => operation())).ConfigureAwait(false);
        }
    }

    /// <summary>Finds the conversation and the stored card of runs seen for the first time. True when one must be retried.</summary>
    private async Task<bool> PrepareAsync(CancellationToken cancellationToken)
    {
        RunSlot[] fresh;
        lock (_gate)
        {
            fresh = [.. _slots.Values.Where(s => !s.Prepared)];
        }

        var retry = false;
        foreach (var slot in fresh)
        {
            try
            {
                var stored = await chats.GetRunCardAsync(slot.RunId, cancellationToken).ConfigureAwait(false);
                var conversationId = stored?.ConversationId ?? slot.ConversationId;
                if (conversationId is null && await runs.GetRunAsync(slot.RunId, cancellationToken).ConfigureAwait(false) is { ReplyTo: { Length: > 0 } replyTo })
                {
                    conversationId = options.ResolveConversation(replyTo);
                }

                var reference = conversationId is null ? null : await conversations.FindAsync(conversationId, cancellationToken).ConfigureAwait(false);
                lock (_gate)
                {
                    if (reference is null)
                    {
                        _slots.Remove(slot.RunId);
                    }
                    else
                    {
                        slot.ConversationId = reference.ConversationId;
                        slot.Reference = reference;
                        // A stored card without an id is a claim (RunCardPublisher.Claim.cs): its card is posted as
                        // soon as the claim lets this process, rather than when the run ends.
                        slot.Posted = stored?.ActivityId is not null;
                        slot.ActivityId = stored?.ActivityId;
                        slot.Prepared = true;
                        Lane(reference.ConversationId);
                    }
                }

                if (reference is null && conversationId is not null && !_warnedUnreachable.TryGet(slot.RunId, out _))
                {
                    _warnedUnreachable.Set(slot.RunId, true);
                    PublishingLog.NoConversation(logger, slot.RunId, conversationId);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                PublishingLog.CardFailed(logger, ex, slot.RunId, (ex as ConnectorException)?.StatusCode, PrepareRetry);
                retry = true;
            }
        }

        return retry;
    }

    /// <summary>The next operation for a conversation if one is due and the budget has room; it is counted here.</summary>
    private Func<Task>? Plan(string conversationId, ConversationLane lane, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (lane.Limiter.WaitBefore(now) > TimeSpan.Zero)
        {
            return null;
        }

        var notice = lane.Notices.FirstOrDefault(n => n.NotBefore <= now);
        if (notice is not null)
        {
            lane.Notices.Remove(notice);
            lane.Limiter.Record(now);
            return () => NotifyAsync(lane, notice, cancellationToken);
        }

        if (lane.LastCardOperation + CardSpacing > now)
        {
            return null;
        }

        var slot = Candidates(conversationId).Where(s => DueAt(s) <= now).MinBy(s => s.DirtySince);
        if (slot is null)
        {
            return null;
        }

        slot.MarkClean();
        slot.Busy = true;
        lane.Limiter.Record(now);
        lane.LastCardOperation = now;
        return () => FlushAsync(slot, cancellationToken);
    }

    private DateTimeOffset? NextDue(string conversationId, ConversationLane lane, DateTimeOffset now)
    {
        var room = now + lane.Limiter.WaitBefore(now);
        var notice = lane.Notices.Count == 0 ? (DateTimeOffset?)null : lane.Notices.Min(n => n.NotBefore);
        var card = Candidates(conversationId).Select(DueAt).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
        DateTimeOffset? cardDue = card == DateTimeOffset.MaxValue ? null : Max(card, lane.LastCardOperation + CardSpacing);
        var due = notice is null ? cardDue : cardDue is null ? notice : Min(notice.Value, cardDue.Value);
        return due is null ? null : Max(due.Value, room);
    }

    /// <summary>A conversation with no card to keep and nothing sent for longer than the longest window needs no budget.</summary>
    private void ForgetIdleLanes(DateTimeOffset now)
    {
        var idle = _lanes
            .Where(l => l.Value.Notices.Count == 0 && l.Value.Limiter.IsIdle(now))
            .Where(l => !_slots.Values.Any(s => s.ConversationId == l.Key))
            .Select(l => l.Key)
            .ToArray();
        foreach (var key in idle)
        {
            _lanes.Remove(key);
        }
    }

    private IEnumerable<RunSlot> Candidates(string conversationId) =>
        _slots.Values.Where(s => s.Prepared && s.Dirty && !s.Busy && s.ConversationId == conversationId
            && !(s.Posted && s.ActivityId is null && !s.Final));

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

    private static TimeSpan Backoff(int failures) => TimeSpan.FromSeconds(Math.Min(60, 2 * Math.Pow(2, Math.Max(0, failures - 1))));
}
