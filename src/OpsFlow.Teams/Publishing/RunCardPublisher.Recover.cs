namespace OpsFlow.Teams.Publishing;

/// <summary>At start, before any card is written: the ids the previous process wrote to its journal but may not have saved.</summary>
public sealed partial class RunCardPublisher
{
    private static readonly TimeSpan RecoverRetry = TimeSpan.FromSeconds(1);

    /// <summary>
    /// No card is written before the journal is saved: a first card whose id is only in the journal would be posted
    /// again once its claim lapsed. A database too busy to answer at start is tried again.
    /// </summary>
    private async Task RecoverCardIdsUntilSavedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await RecoverCardIdsAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                PublishingLog.CardIdsRecoveryFailed(logger, ex, RecoverRetry);
            }

            await Task.Delay(RecoverRetry, clock, cancellationToken).ConfigureAwait(false);
        }
    }

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
