using Microsoft.Extensions.Logging;
using OpsFlow.Teams.Cards;
using OpsFlow.Teams.Connector;
using OpsFlow.Chat;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Publishing;

/// <summary>What became of one card write.</summary>
internal enum FlushOutcome
{
    /// <summary>Posted or updated; the view is what the card shows now.</summary>
    Written,

    /// <summary>The run no longer exists.</summary>
    Gone,

    /// <summary>Another host is posting the first card; the slot says when to look again.</summary>
    Deferred,

    /// <summary>The write failed; the slot stays dirty and says when to try again.</summary>
    Failed,
}

/// <summary>
/// Writes a card: POST once (under a claim), then PUT in place. Holds no state of its own: the slot it is given belongs
/// to the conversation loop that awaits it, so a slot is never written by two threads.
/// </summary>
internal sealed class CardWriter(
    RunCardSource source,
    IChatStore chats,
    IConnectorClient connector,
    FirstCardClaim claim,
    TimeProvider clock,
    ILogger logger,
    TeamsTelemetry telemetry,
    RunCardJournal? journal)
{
    public async Task<(FlushOutcome Outcome, RunCardView? View)> FlushAsync(RunSlot slot, CancellationToken cancellationToken)
    {
        var reference = slot.Reference!;
        var activityId = slot.ActivityId;
        try
        {
            var view = await source.LoadAsync(slot.RunId, null, cancellationToken);
            if (view is null)
            {
                return (FlushOutcome.Gone, null);
            }

            if (activityId is null && !await claim.TakeAsync(slot, reference, cancellationToken))
            {
                return (FlushOutcome.Deferred, null);
            }

            activityId = slot.ActivityId;
            var activity = Outgoing.Card(reference, RunCardBuilder.Build(view with { Replacement = slot.Replacement }));
            if (activityId is null)
            {
                await PostFirstAsync(slot, reference, activity, cancellationToken);
            }
            else
            {
                await connector.UpdateAsync(reference, activityId, activity, cancellationToken);
                telemetry.CardWritten("update", succeeded: true);
            }

            return (FlushOutcome.Written, view);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var status = (ex as ConnectorException)?.StatusCode;
            telemetry.CardWritten(activityId is null ? "post" : "update", succeeded: false);
            var delay = slot.Failed(clock.GetUtcNow());
            if (status == 404 && activityId is not null && slot.ActivityId == activityId)
            {
                // The message is gone (deleted in the client): the next flush posts a new card.
                slot.ActivityId = null;
                slot.Posted = false;
            }

            PublishingLog.CardFailed(logger, ex, slot.RunId, status, delay);
            return (FlushOutcome.Failed, null);
        }
    }

    /// <summary>/status: a fresh card in <paramref name="reference"/>'s conversation, saved as the run's card. Null: no such run.</summary>
    public async Task<(RunCardView View, string? ActivityId)?> PostFreshAsync(string runId, ConversationReference reference, CancellationToken cancellationToken)
    {
        var view = await source.LoadAsync(runId, null, cancellationToken);
        if (view is null)
        {
            return null;
        }

        var id = await connector.SendAsync(reference, Outgoing.Card(reference, RunCardBuilder.Build(view)), cancellationToken);
        telemetry.CardWritten("post", succeeded: true);
        await chats.SaveRunCardAsync(new RunCard(runId, reference.ConversationId, id, clock.GetUtcNow()), cancellationToken);
        PublishingLog.CardPosted(logger, runId, reference.ConversationId, id);
        return (view, id);
    }

    private async Task PostFirstAsync(RunSlot slot, ConversationReference reference, Activity activity, CancellationToken cancellationToken)
    {
        var activityId = await connector.SendAsync(reference, activity, cancellationToken);
        // First of all, where a kill cannot lose it: until the id is saved, a crash leaves a card no process knows of.
        var card = new RunCard(slot.RunId, reference.ConversationId, activityId, clock.GetUtcNow());
        // Not cancelled by a stop: the card is in the conversation now, and the journal may be the only record of it.
        var journaled = journal is not null && await journal.WriteAsync(card, CancellationToken.None);
        telemetry.CardWritten("post", succeeded: true);
        // Before the save: should the save fail, the next flush updates this card instead of posting another.
        slot.Posted = true;
        slot.ActivityId = activityId;
        await chats.SaveRunCardAsync(card, cancellationToken);
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
}
