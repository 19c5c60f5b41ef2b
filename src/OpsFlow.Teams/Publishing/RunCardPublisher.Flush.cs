using OpsFlow.Teams.Cards;
using OpsFlow.Teams.Connector;
using OpsFlow.Teams.Ports;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Publishing;

/// <summary>Writing a card (POST once, then PUT in place) and sending a notification; failures are retried later.</summary>
public sealed partial class RunCardPublisher
{
    private async Task FlushAsync(RunSlot slot, CancellationToken cancellationToken)
    {
        var reference = slot.Reference!;
        string? activityId;
        lock (_gate)
        {
            activityId = slot.ActivityId;
        }

        try
        {
            var view = await source.LoadAsync(slot.RunId, null, cancellationToken).ConfigureAwait(false);
            if (view is null)
            {
                lock (_gate)
                {
                    _slots.Remove(slot.RunId);
                }

                return;
            }

            if (activityId is null && !await ClaimFirstCardAsync(slot, reference, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            bool replacement;
            lock (_gate)
            {
                activityId = slot.ActivityId;
                replacement = slot.Replacement;
            }

            var activity = Outgoing.Card(reference, RunCardBuilder.Build(view with { Replacement = replacement }));
            if (activityId is null)
            {
                activityId = await connector.SendAsync(reference, activity, cancellationToken).ConfigureAwait(false);
                // First of all, where a kill cannot lose it: until the id is saved, a crash leaves a card no process knows of.
                var card = new RunCard(slot.RunId, reference.ConversationId, activityId, clock.GetUtcNow());
                var journaled = journal?.Write(card) == true;
                _telemetry.CardWritten("post", succeeded: true);
                lock (_gate)
                {
                    // Before the save: should the save fail, the next flush updates this card instead of posting another.
                    slot.Posted = true;
                    slot.ActivityId = activityId;
                }

                await chats.SaveRunCardAsync(card, cancellationToken).ConfigureAwait(false);
                if (journaled)
                {
                    journal!.Saved();
                }

                PublishingLog.CardPosted(logger, slot.RunId, reference.ConversationId, activityId);
                if (activityId is null)
                {
                    PublishingLog.NoActivityId(logger, slot.RunId);
                }
            }
            else
            {
                await connector.UpdateAsync(reference, activityId!, activity, cancellationToken).ConfigureAwait(false);
                _telemetry.CardWritten("update", succeeded: true);
            }

            Flushed(slot, view);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var status = (ex as ConnectorException)?.StatusCode;
            _telemetry.CardWritten(activityId is null ? "post" : "update", succeeded: false);
            lock (_gate)
            {
                slot.Busy = false;
                slot.MarkDirty(clock.GetUtcNow());
                slot.Failures++;
                slot.RetryAt = clock.GetUtcNow() + Backoff(slot.Failures);
                if (status == 404 && activityId is not null && slot.ActivityId == activityId)
                {
                    // The message is gone (deleted in the client): the next flush posts a new card.
                    slot.ActivityId = null;
                    slot.Posted = false;
                }
            }

            PublishingLog.CardFailed(logger, ex, slot.RunId, status, Backoff(slot.Failures));
        }
    }

    /// <summary>
    /// Records a successful write, queues the notifications it reveals and forgets a run that has ended. The memory
    /// of what was announced here only spares the database a claim per write; the notice log decides.
    /// </summary>
    private void Flushed(RunSlot slot, RunCardView view)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            slot.Busy = false;
            slot.Failures = 0;
            slot.RetryAt = DateTimeOffset.MinValue;
            slot.LastFlush = now;

            var lane = Lane(slot.Reference!.ConversationId);
            foreach (var notification in RunNotifications.For(view, access))
            {
                if (!_announced.TryGet(notification.Key, out _))
                {
                    _announced.Set(notification.Key, true);
                    lane.Notices.Add(new PendingNotice(slot.RunId, notification, slot.Reference) { NotBefore = now });
                }
            }

            if (RunCardBuilder.IsFinal(view.Run.Status) && !slot.Dirty)
            {
                _slots.Remove(slot.RunId);
                source.Forget(slot.RunId);
            }
        }
    }
}
