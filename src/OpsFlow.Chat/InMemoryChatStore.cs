using System.Collections.Concurrent;

namespace OpsFlow.Chat;

/// <summary>The chat store in memory: for tests and for hosts that need no durable chat state.</summary>
public sealed partial class InMemoryChatStore : IChatStore
{
    private readonly ConcurrentDictionary<string, ConversationReference> _conversations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RunCard> _cards = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (InboundActivity Activity, DateTimeOffset? DoneAt)> _inbox = new(StringComparer.Ordinal);

    public Task SaveConversationAsync(ConversationReference reference, CancellationToken cancellationToken = default)
    {
        _conversations[reference.ConversationId] = reference;
        return Task.CompletedTask;
    }

    public Task<ConversationReference?> GetConversationAsync(string conversationId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_conversations.GetValueOrDefault(conversationId));

    public Task<bool> TryAcceptAsync(InboundActivity activity, CancellationToken cancellationToken = default) =>
        Task.FromResult(_inbox.TryAdd(activity.Key, (activity, null)));

    public Task CompleteAsync(string key, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        _inbox.AddOrUpdate(key, _ => throw new KeyNotFoundException($"No inbound activity {key}."), (_, entry) => (entry.Activity, at));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<InboundActivity>> GetPendingAsync(DateTimeOffset since, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<InboundActivity>>(_inbox.Values
            .Where(e => e.DoneAt is null && e.Activity.ReceivedAt >= since)
            .Select(e => e.Activity)
            .OrderBy(a => a.ReceivedAt)
            .ToArray());

    public Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        PruneNotices(before);
        var old = _inbox.Where(e => e.Value.DoneAt is not null && e.Value.Activity.ReceivedAt < before).Select(e => e.Key).ToArray();
        return Task.FromResult(old.Count(key => _inbox.TryRemove(key, out _)));
    }

    public Task<bool> TryAdoptAsync(string key, DateTimeOffset seenReceivedAt, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (!_inbox.TryGetValue(key, out var entry) || entry.DoneAt is not null || entry.Activity.ReceivedAt != seenReceivedAt)
        {
            return Task.FromResult(false);
        }

        return Task.FromResult(_inbox.TryUpdate(key, (entry.Activity with { ReceivedAt = now }, null), entry));
    }

    public Task TouchAsync(IReadOnlyCollection<string> keys, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        foreach (var key in keys)
        {
            if (_inbox.TryGetValue(key, out var entry) && entry.DoneAt is null)
            {
                _inbox.TryUpdate(key, (entry.Activity with { ReceivedAt = now }, null), entry);
            }
        }

        return Task.CompletedTask;
    }

    public Task<RunCard?> GetRunCardAsync(string runId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_cards.GetValueOrDefault(runId));

    public Task SaveRunCardAsync(RunCard card, CancellationToken cancellationToken = default)
    {
        _cards[card.RunId] = card;
        return Task.CompletedTask;
    }

    public Task<bool> TryClaimRunCardAsync(string runId, string conversationId, DateTimeOffset at, DateTimeOffset staleBefore, CancellationToken cancellationToken = default)
    {
        var claim = new RunCard(runId, conversationId, null, at);
        while (true)
        {
            if (_cards.TryAdd(runId, claim))
            {
                return Task.FromResult(true);
            }

            if (!_cards.TryGetValue(runId, out var held) || held.ActivityId is not null || held.PostedAt >= staleBefore)
            {
                return Task.FromResult(false);
            }

            if (_cards.TryUpdate(runId, claim, held))
            {
                return Task.FromResult(true);
            }
        }
    }
}
