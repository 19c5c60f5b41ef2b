using Microsoft.Extensions.Logging;
using OpsFlow.Chat;
using OpsFlow.Engine.Ports;
using OpsFlow.Teams.Connector;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Publishing;

/// <summary>
/// Announcements that belong to no run (a paused schedule), posted as a plain message to the conversation named,
/// if the bot has been in it (it needs the conversation's reference). Otherwise, and when the post fails, the
/// announcement is logged at warning level, so it is not lost to an operator who reads the log.
/// </summary>
internal sealed class ChatAnnouncements(IChatStore chats, IConnectorClient connector, TeamsOptions options, ILogger<ChatAnnouncements> logger) : IAnnouncements
{
    public async Task AnnounceAsync(string? conversation, string text, CancellationToken cancellationToken = default)
    {
        var reference = conversation is null ? null : await chats.GetConversationAsync(conversation, cancellationToken);
        if (reference is null)
        {
            PublishingLog.AnnouncementNotPosted(logger, conversation ?? "(none)", text);
            return;
        }

        try
        {
            await connector.SendAsync(reference, Outgoing.Text(reference, text), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            PublishingLog.AnnouncementFailed(logger, ex, conversation!, text);
        }
    }

    public async Task DeliverAsync(string conversation, string text, CancellationToken cancellationToken = default)
    {
        var id = options.ResolveConversation(conversation);
        var reference = await chats.GetConversationAsync(id, cancellationToken)
            ?? throw new InvalidOperationException($"The bot has not been in conversation '{conversation}' yet (install it there or send it a message), so it cannot post to it.");
        await connector.SendAsync(reference, Outgoing.Text(reference, text), cancellationToken);
    }
}
