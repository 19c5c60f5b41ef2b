using System.Collections.Concurrent;
using OpsFlow.Chat;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Inbound;

/// <summary>
/// Keeps a reference to every conversation the bot hears from (for proactive posts), writing it only when it is
/// new or changed: most activities come from conversations already known.
/// </summary>
public sealed class ConversationDirectory(IChatStore store, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, ConversationReference> _known = new(StringComparer.Ordinal);

    public async Task<ConversationReference> RememberAsync(Activity activity, CancellationToken cancellationToken)
    {
        var fresh = new ConversationReference(
            activity.Conversation!.Id!,
            activity.ServiceUrl!,
            activity.ChannelId ?? "msteams",
            activity.Recipient!.Id!,
            activity.Recipient.Name,
            activity.Conversation.TenantId,
            activity.Conversation.ConversationType,
            clock.GetUtcNow());
        if (_known.TryGetValue(fresh.ConversationId, out var known) && known with { UpdatedAt = fresh.UpdatedAt } == fresh)
        {
            return known;
        }

        await store.SaveConversationAsync(fresh, cancellationToken);
        _known[fresh.ConversationId] = fresh;
        return fresh;
    }

    /// <summary>The stored reference for a conversation id (or a configured name resolved before), or null.</summary>
    public async Task<ConversationReference?> FindAsync(string conversationId, CancellationToken cancellationToken)
    {
        if (_known.TryGetValue(conversationId, out var known))
        {
            return known;
        }

        var stored = await store.GetConversationAsync(conversationId, cancellationToken);
        if (stored is not null)
        {
            _known[conversationId] = stored;
        }

        return stored;
    }
}
