namespace OpsFlow.Chat;

/// <summary>
/// Where to reach a conversation without being asked (proactive messages): kept from the first activity or
/// install event of each conversation (docs/product.md §8).
/// </summary>
public sealed record ConversationReference(
    string ConversationId,
    string ServiceUrl,
    string ChannelId,
    string BotId,
    string? BotName,
    string? TenantId,
    string? ConversationType,
    DateTimeOffset UpdatedAt);

/// <summary>The one progress card of a run: the conversation it lives in and the activity id it is updated by.</summary>
public sealed record RunCard(string RunId, string ConversationId, string? ActivityId, DateTimeOffset PostedAt);

/// <summary>An inbound activity accepted for background work: its raw JSON, so a crash before it is handled loses nothing.</summary>
public sealed record InboundActivity(string Key, string Json, DateTimeOffset ReceivedAt);

/// <summary>
/// Durable chat state: conversation references, run cards, and the inbox that makes each inbound activity
/// handled once (Teams re-sends on timeouts). Every method is atomic.
/// </summary>
public interface IChatStore : IChatNoticeLog
{
    Task SaveConversationAsync(ConversationReference reference, CancellationToken cancellationToken = default);

    Task<ConversationReference?> GetConversationAsync(string conversationId, CancellationToken cancellationToken = default);

    /// <summary>Records an activity before it is acknowledged. False when its key was seen before: do nothing twice.</summary>
    Task<bool> TryAcceptAsync(InboundActivity activity, CancellationToken cancellationToken = default);

    /// <summary>
    /// Several hosts: takes over an accepted activity nobody handled (its host died), by moving its arrival time from
    /// <paramref name="seenReceivedAt"/> to <paramref name="now"/>. True for the one host whose move succeeded.
    /// </summary>
    Task<bool> TryAdoptAsync(string key, DateTimeOffset seenReceivedAt, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Several hosts: a live host moves the arrival time of the unhandled activities it holds to <paramref name="now"/>,
    /// so that no other host takes them for a dead host's (see <see cref="TryAdoptAsync"/>).
    /// </summary>
    Task TouchAsync(IReadOnlyCollection<string> keys, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Marks an accepted activity handled.</summary>
    Task CompleteAsync(string key, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Accepted activities not yet handled (the host stopped first), oldest first, received after <paramref name="since"/>.</summary>
    Task<IReadOnlyList<InboundActivity>> GetPendingAsync(DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>Deletes handled activities received before <paramref name="before"/>; returns how many.</summary>
    Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default);

    Task<RunCard?> GetRunCardAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates or replaces the run's card (a /status post makes the new card the one kept up to date). Called right
    /// after the card's POST, and durable when it returns: until then a crash leaves a card no process knows of, so a
    /// store commits it at once rather than behind other writes.
    /// </summary>
    Task SaveRunCardAsync(RunCard card, CancellationToken cancellationToken = default);

    /// <summary>
    /// Several hosts may update one run's card: before the first card is posted, the poster claims it here (a card
    /// row with no activity id yet). True when the caller must post: there was no card, or only a claim older than
    /// <paramref name="staleBefore"/> (its poster died before saving the card). False when a card exists or another
    /// host is posting it.
    /// </summary>
    Task<bool> TryClaimRunCardAsync(string runId, string conversationId, DateTimeOffset at, DateTimeOffset staleBefore, CancellationToken cancellationToken = default);
}
