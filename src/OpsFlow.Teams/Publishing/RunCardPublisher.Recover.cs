namespace OpsFlow.Teams.Publishing;

/// <summary>At start, before any card is written: the ids the previous process wrote to its journal but may not have saved.</summary>
public sealed partial class RunCardPublisher
{
    internal async Task RecoverCardIdsAsync(CancellationToken cancellationToken)
    {
        if (journal is null)
        {
            return;
        }

        var saved = 0;
        foreach (var card in await journal.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            // Only over the claim its poster left: a saved card, or none at all, is not this line's to change.
            if (await chats.GetRunCardAsync(card.RunId, cancellationToken).ConfigureAwait(false) is { ActivityId: null } stored
                && stored.ConversationId == card.ConversationId)
            {
                await chats.SaveRunCardAsync(card, cancellationToken).ConfigureAwait(false);
                saved++;
            }
        }

        journal.Clear();
        if (saved > 0)
        {
            PublishingLog.CardIdsRecovered(logger, saved);
        }
    }
}
