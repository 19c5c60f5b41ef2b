using Microsoft.Extensions.Logging;
using OpsFlow.Chat;
using OpsFlow.Teams.Publishing;

namespace OpsFlow.Teams.Inbound;

/// <summary>
/// Remembers each person who talks to the bot and where (service, tenant, their 1:1 chat when they used it), so the bot
/// can reach them in person later: an approver gets their own copy of an approval (<see cref="ApprovalCopies"/>).
/// Written only when what is known of a person changes; most activities come from people already known.
/// </summary>
public sealed class ChatPeople(IPersonalChats store, TimeProvider clock, ILogger<ChatPeople> logger)
{
    private readonly BoundedCache<string, ChatUser> _known = new(10_000);

    /// <summary>Never fails the turn it is called for: a person not remembered only misses their copies.</summary>
    public async Task RememberAsync(Turn turn, string? upn, CancellationToken cancellationToken)
    {
        var activity = turn.Activity;
        if (activity.From?.Id is not { Length: > 0 } userId || activity.From.Role is "bot")
        {
            return;
        }

        var conversation = turn.Conversation;
        var person = new ChatUser(
            userId,
            activity.From.Name,
            activity.From.AadObjectId,
            upn,
            conversation.ServiceUrl,
            conversation.ChannelId,
            conversation.BotId,
            conversation.BotName,
            conversation.TenantId,
            conversation.ConversationType == "personal" ? conversation.ConversationId : null,
            clock.GetUtcNow());
        if (_known.TryGet(userId, out var known) && Merged(known, person) == known)
        {
            return;
        }

        try
        {
            await store.SaveUserAsync(person, cancellationToken);
            _known.Set(userId, known is null ? person : Merged(known, person));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            PublishingLog.PersonNotRemembered(logger, ex, userId);
        }
    }

    /// <summary>What the store keeps after saving <paramref name="seen"/> over <paramref name="known"/> (nulls keep), at the known time.</summary>
    private static ChatUser Merged(ChatUser known, ChatUser seen) => seen with
    {
        Upn = seen.Upn ?? known.Upn,
        ObjectId = seen.ObjectId ?? known.ObjectId,
        TenantId = seen.TenantId ?? known.TenantId,
        PersonalConversationId = seen.PersonalConversationId ?? known.PersonalConversationId,
        UpdatedAt = known.UpdatedAt,
    };
}
