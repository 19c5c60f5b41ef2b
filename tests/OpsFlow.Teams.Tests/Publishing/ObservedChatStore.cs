using System.Collections.Concurrent;
using OpsFlow.Chat;

namespace OpsFlow.Teams.Tests.Publishing;

/// <summary>
/// A chat store that writes down, in order, every run card it is asked about ("get r-1", "save r-1 activity-7",
/// "claim r-1") and lets a test hold a call (<see cref="Before"/>) before it reaches the store underneath.
/// </summary>
internal sealed class ObservedChatStore(IChatStore inner) : IChatStore
{
    private readonly ConcurrentQueue<string> _log = new();

    public IReadOnlyList<string> Log => [.. _log];

    /// <summary>Awaited before a run card call reaches the store, with what the log says of it.</summary>
    public Func<string, Task>? Before { get; set; }

    public async Task<RunCard?> GetRunCardAsync(string runId, CancellationToken cancellationToken = default)
    {
        await NoteAsync($"get {runId}");
        return await inner.GetRunCardAsync(runId, cancellationToken);
    }

    public async Task SaveRunCardAsync(RunCard card, CancellationToken cancellationToken = default)
    {
        await NoteAsync($"save {card.RunId} {card.ActivityId}");
        await inner.SaveRunCardAsync(card, cancellationToken);
    }

    public async Task<bool> TryClaimRunCardAsync(string runId, string conversationId, DateTimeOffset at, DateTimeOffset staleBefore, CancellationToken cancellationToken = default)
    {
        await NoteAsync($"claim {runId}");
        return await inner.TryClaimRunCardAsync(runId, conversationId, at, staleBefore, cancellationToken);
    }

    public Task SaveConversationAsync(ConversationReference reference, CancellationToken cancellationToken = default) => inner.SaveConversationAsync(reference, cancellationToken);

    public Task<ConversationReference?> GetConversationAsync(string conversationId, CancellationToken cancellationToken = default) => inner.GetConversationAsync(conversationId, cancellationToken);

    public Task<bool> TryAcceptAsync(InboundActivity activity, CancellationToken cancellationToken = default) => inner.TryAcceptAsync(activity, cancellationToken);

    public Task<bool> TryAdoptAsync(string key, DateTimeOffset seenReceivedAt, DateTimeOffset now, CancellationToken cancellationToken = default) => inner.TryAdoptAsync(key, seenReceivedAt, now, cancellationToken);

    public Task TouchAsync(IReadOnlyCollection<string> keys, DateTimeOffset now, CancellationToken cancellationToken = default) => inner.TouchAsync(keys, now, cancellationToken);

    public Task CompleteAsync(string key, DateTimeOffset at, CancellationToken cancellationToken = default) => inner.CompleteAsync(key, at, cancellationToken);

    public Task<IReadOnlyList<InboundActivity>> GetPendingAsync(DateTimeOffset since, CancellationToken cancellationToken = default) => inner.GetPendingAsync(since, cancellationToken);

    public Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default) => inner.PruneAsync(before, cancellationToken);

    public Task<NoticeClaim> ClaimNoticeAsync(string key, string runId, string claimant, DateTimeOffset at, DateTimeOffset staleBefore, CancellationToken cancellationToken = default) =>
        inner.ClaimNoticeAsync(key, runId, claimant, at, staleBefore, cancellationToken);

    public Task CompleteNoticeAsync(string key, string claimant, DateTimeOffset at, CancellationToken cancellationToken = default) => inner.CompleteNoticeAsync(key, claimant, at, cancellationToken);

    public Task ReleaseNoticeAsync(string key, string claimant, CancellationToken cancellationToken = default) => inner.ReleaseNoticeAsync(key, claimant, cancellationToken);

    private Task NoteAsync(string entry)
    {
        _log.Enqueue(entry);
        return Before?.Invoke(entry) ?? Task.CompletedTask;
    }
}
