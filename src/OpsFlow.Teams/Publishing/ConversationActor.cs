using System.Threading.Channels;
using OpsFlow.Teams.Cards;

namespace OpsFlow.Teams.Publishing;

/// <summary>
/// One conversation's card publishing, as one loop: the only reader of its inbox and the only owner of its
/// <see cref="ConversationSchedule"/> (cards, claims, notifications, rate budget). Operations in a conversation run one
/// at a time, in the order the schedule picks; conversations run side by side. A loop with nothing to do for longer
/// than the rate limiter's longest window ends, and the next message starts a new one.
/// </summary>
internal sealed class ConversationActor(string conversationId, PublishingParts parts, ConversationActors actors)
{
    private static readonly TimeSpan PrepareRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan AfterFailure = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Soon = TimeSpan.FromMilliseconds(10);

    /// <summary>How long an empty loop waits before it looks whether its rate budget has emptied too.</summary>
    private static readonly TimeSpan IdleCheck = ConversationRateLimiter.TeamsLimits.Max(l => l.Window);

    private readonly Channel<ConversationMessage> _inbox = Channel.CreateUnbounded<ConversationMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConversationSchedule _schedule = new();
    private Task _loop = Task.CompletedTask;
    private int _started;

    public string ConversationId => conversationId;

    /// <summary>The loop's task: completes once it has stopped (cancelled) or ended (idle).</summary>
    public Task Completion => Volatile.Read(ref _loop);

    public bool HasMail => _inbox.Reader.TryPeek(out _);

    /// <summary>False once the loop has ended; the sender then asks <see cref="ConversationActors"/> for the next one.</summary>
    public bool TryPost(ConversationMessage message) => _inbox.Writer.TryWrite(message);

    public void Start(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            Volatile.Write(ref _loop, Task.Run(() => RunAsync(cancellationToken), CancellationToken.None));
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        Task<bool>? mail = null;
        try
        {
            while (true)
            {
                // A loop started after the stop (a message for a new conversation) must not write anything.
                cancellationToken.ThrowIfCancellationRequested();
                TimeSpan? wait;
                try
                {
                    wait = await TurnAsync(cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    PublishingLog.LoopFailed(parts.Logger, ex, conversationId);
                    wait = AfterFailure;
                }

                if (wait is null && _schedule.IsEmpty)
                {
                    if (_schedule.IsIdle(parts.Clock.GetUtcNow()) && !HasMail)
                    {
                        Retire();
                        return;
                    }

                    wait = IdleCheck;
                }

                mail ??= _inbox.Reader.WaitToReadAsync(cancellationToken).AsTask();
                if (!mail.IsCompleted)
                {
                    using var sleep = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    await Task.WhenAny(mail, Task.Delay(wait ?? Timeout.InfiniteTimeSpan, parts.Clock, sleep.Token));
                    await sleep.CancelAsync();
                }

                if (mail.IsCompleted)
                {
                    await mail;
                    mail = null;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: an operation in flight was cancelled with the host; what is pending is caught up at the next start.
        }
    }

    /// <summary>
    /// Applies the messages waiting, then does every operation that is due now, one after the other; returns how long
    /// until more is due (null: nothing is waiting). The loop calls it; tests call it with a fake clock, never both.
    /// </summary>
    internal async Task<TimeSpan?> TurnAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Drain();
            var prepareFailed = await PrepareAsync(cancellationToken);
            var now = parts.Clock.GetUtcNow();
            if (_schedule.Plan(now) is { } operation)
            {
                await DoAsync(operation, cancellationToken);
                continue;
            }

            var next = _schedule.NextDue(now);
            if (prepareFailed && (next is null || next > now + PrepareRetry))
            {
                next = now + PrepareRetry;
            }

            return next is { } at ? (at > now ? at - now : Soon) : null;
        }
    }

    private void Drain()
    {
        while (_inbox.Reader.TryRead(out var message))
        {
            switch (message)
            {
                case RunDirty dirty:
                    var slot = _schedule.Slot(dirty.RunId);
                    if (!slot.MarkDirty(dirty.At))
                    {
                        parts.Telemetry.CardChangeCoalesced();
                    }

                    slot.Final = dirty.Final ?? slot.Final;
                    break;
                case PostCard post:
                    _schedule.Add(post);
                    break;
                case MovedAway moved when _schedule.Find(moved.RunId) is { } gone:
                    _schedule.Forget(moved.RunId);
                    if (gone.Dirty)
                    {
                        actors.Post(moved.To, new RunDirty(moved.RunId, gone.Final, gone.DirtySince));
                    }

                    break;
            }
        }
    }

    /// <summary>Finds the stored card and the conversation reference of runs seen for the first time. True when one must be retried.</summary>
    private async Task<bool> PrepareAsync(CancellationToken cancellationToken)
    {
        var failed = false;
        foreach (var slot in _schedule.Unprepared.ToArray())
        {
            try
            {
                var stored = await parts.Chats.GetRunCardAsync(slot.RunId, cancellationToken);
                if (stored is not null && stored.ConversationId != conversationId)
                {
                    // The card was posted elsewhere (/status, or before a restart): that conversation's loop keeps it.
                    _schedule.Forget(slot.RunId);
                    actors.Hand(slot.RunId, stored.ConversationId, new RunDirty(slot.RunId, slot.Final, slot.DirtySince));
                    continue;
                }

                var reference = await parts.Conversations.FindAsync(conversationId, cancellationToken);
                if (reference is null)
                {
                    _schedule.Forget(slot.RunId);
                    if (!parts.WarnedUnreachable.TryGet(slot.RunId, out _))
                    {
                        parts.WarnedUnreachable.Set(slot.RunId, true);
                        PublishingLog.NoConversation(parts.Logger, slot.RunId, conversationId);
                    }

                    continue;
                }

                slot.Reference = reference;
                // A stored card without an id is a claim (FirstCardClaim): its card is posted as soon as the claim
                // lets this process, rather than when the run ends.
                slot.Posted = stored?.ActivityId is not null;
                slot.ActivityId = stored?.ActivityId;
                slot.Prepared = true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                PublishingLog.CardFailed(parts.Logger, ex, slot.RunId, null, PrepareRetry);
                failed = true;
            }
        }

        return failed;
    }

    private async Task DoAsync(ConversationOperation operation, CancellationToken cancellationToken)
    {
        switch (operation)
        {
            case ConversationOperation.Flush flush:
                var (outcome, view) = await parts.Writer.FlushAsync(flush.Slot, cancellationToken);
                if (outcome == FlushOutcome.Gone)
                {
                    Forget(flush.Slot.RunId);
                }
                else if (outcome == FlushOutcome.Written)
                {
                    Flushed(flush.Slot, view!);
                }

                break;
            case ConversationOperation.Notify notify:
                if (await parts.Notices.SendAsync(notify.Notice, cancellationToken) is { } again)
                {
                    _schedule.Add(again);
                }

                break;
            case ConversationOperation.Post post:
                await PostAsync(post.Request, cancellationToken);
                break;
        }
    }

    /// <summary>/status: the fresh card becomes the one kept up to date, here; the conversation that had it lets it go.</summary>
    private async Task PostAsync(PostCard request, CancellationToken cancellationToken)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, request.CancellationToken);
        try
        {
            both.Token.ThrowIfCancellationRequested();
            if (await parts.Writer.PostFreshAsync(request.RunId, request.Reference, both.Token) is not { } posted)
            {
                request.Done.TrySetException(new KeyNotFoundException($"There is no run '{request.RunId}'."));
                return;
            }

            var (view, activityId) = posted;

            actors.Moved(request.RunId, conversationId);
            if (RunCardBuilder.IsFinal(view.Run.Status))
            {
                Forget(request.RunId);
            }
            else
            {
                var slot = _schedule.Slot(request.RunId);
                slot.Reference = request.Reference;
                slot.Prepared = true;
                slot.Posted = true;
                slot.ActivityId = activityId;
                slot.LastFlush = parts.Clock.GetUtcNow();
            }

            request.Done.TrySetResult();
        }
        catch (OperationCanceledException) when (both.IsCancellationRequested)
        {
            request.Done.TrySetCanceled(both.Token);
        }
        catch (Exception ex)
        {
            // The caller (the /status command) answers the person; this loop goes on.
            request.Done.TrySetException(ex);
        }
    }

    /// <summary>
    /// Records a successful write, queues the notifications it reveals and forgets a run that has ended. The memory
    /// of what was announced only spares the database a claim per write; the notice log decides.
    /// </summary>
    private void Flushed(RunSlot slot, RunCardView view)
    {
        var now = parts.Clock.GetUtcNow();
        slot.Succeeded(now);
        foreach (var notification in RunNotifications.For(view, parts.Access))
        {
            if (!parts.Announced.TryGet(notification.Key, out _))
            {
                parts.Announced.Set(notification.Key, true);
                _schedule.Add(new PendingNotice(slot.RunId, notification, slot.Reference!) { NotBefore = now });
            }
        }

        if (RunCardBuilder.IsFinal(view.Run.Status) && !slot.Dirty)
        {
            Forget(slot.RunId);
            parts.Source.Forget(slot.RunId);
        }
    }

    private void Forget(string runId)
    {
        _schedule.Forget(runId);
        actors.ForgetRoute(runId, conversationId);
    }

    /// <summary>Ends an idle loop; a message that slipped in meanwhile goes to the loop that replaces it.</summary>
    private void Retire()
    {
        actors.Remove(this);
        _inbox.Writer.TryComplete();
        while (_inbox.Reader.TryRead(out var late))
        {
            actors.Post(conversationId, late);
        }
    }
}
