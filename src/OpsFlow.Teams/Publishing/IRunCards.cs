using OpsFlow.Teams.Cards;
using OpsFlow.Chat;

namespace OpsFlow.Teams.Publishing;

/// <summary>
/// The one progress card of each run (docs/product.md §7): rendered from the stored run, posted once into the run's
/// conversation, then updated in place, coalesced and within Teams' rate limits.
/// </summary>
public interface IRunCards
{
    /// <summary>
    /// The run's card as it is now, for an invoke answer; <paramref name="notice"/> is a line for the person who
    /// pressed the button (why a click was refused, say). Null when there is no such run.
    /// </summary>
    Task<AdaptiveCard?> RenderAsync(string runId, string? notice, CancellationToken cancellationToken = default);

    /// <summary>Posts a fresh card for the run into <paramref name="conversation"/> and keeps that one up to date (/status).</summary>
    Task PostAsync(string runId, ConversationReference conversation, CancellationToken cancellationToken = default);

    /// <summary>Asks for the run's card to be brought up to date soon (coalesced with other changes).</summary>
    void Refresh(string runId);
}
