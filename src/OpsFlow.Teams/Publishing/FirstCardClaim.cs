using Microsoft.Extensions.Logging;
using OpsFlow.Chat;

namespace OpsFlow.Teams.Publishing;

/// <summary>
/// Who posts a run's first card. The Bot Connector has no idempotent send, so a card is posted only under a claim in
/// the chat store; a claim still without an activity id after <see cref="Timeout"/> was left by a process that died
/// between its claim and the save of its card's id, and whether its POST reached Teams is not known. Keeps no state:
/// what this process claimed is on the slot, which its conversation loop owns.
/// </summary>
internal sealed class FirstCardClaim(IChatStore chats, TimeProvider clock, ILogger logger)
{
    /// <summary>A claim to post a run's first card older than this was left by a host that died before it posted.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Before the first card of a run is posted: another host may have posted it already (the run moved there) or be
    /// posting it now. True when this host posts (or, the card being known now, updates it); false when another host is
    /// posting it, and the slot is dirty again, to be tried shortly. Taking over a dead process's claim marks the card
    /// as a replacement (<see cref="RunSlot.Replacement"/>).
    /// </summary>
    public async Task<bool> TakeAsync(RunSlot slot, ConversationReference reference, CancellationToken cancellationToken)
    {
        var stored = await chats.GetRunCardAsync(slot.RunId, cancellationToken);
        var now = clock.GetUtcNow();
        var mine = slot.ClaimedAt;

        // This process's own claim, still fresh (its POST failed): post again under it rather than wait for it to lapse.
        var own = stored is { ActivityId: null } && stored.PostedAt == mine;
        if (own && now - mine < Timeout)
        {
            return true;
        }

        if (stored?.ActivityId is null && await chats.TryClaimRunCardAsync(slot.RunId, reference.ConversationId, now, now - Timeout, cancellationToken))
        {
            var replacement = stored is not null && !own;
            slot.ClaimedAt = now;
            slot.Replacement |= replacement;
            if (replacement)
            {
                PublishingLog.ReplacingCard(logger, slot.RunId, stored!.PostedAt);
            }

            return true;
        }

        stored = await chats.GetRunCardAsync(slot.RunId, cancellationToken);
        if (stored?.ActivityId is { } posted)
        {
            slot.Posted = true;
            slot.ActivityId = posted;
            return true;
        }

        slot.MarkDirty(now);
        slot.RetryAt = now + Retry;
        PublishingLog.CardPostedElsewhere(logger, slot.RunId);
        return false;
    }
}
