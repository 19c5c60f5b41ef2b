using OpsFlow.Teams.Cards;
using OpsFlow.Chat;

namespace OpsFlow.Teams.Protocol;

/// <summary>Builds the activities the bot sends: from the bot, into a stored conversation.</summary>
public static class Outgoing
{
    public static Activity Text(ConversationReference to, string text, IReadOnlyList<Mention>? mentions = null) => Base(to) with
    {
        Text = text,
        TextFormat = "markdown",
        Entities = mentions?.Select(m => System.Text.Json.JsonSerializer.SerializeToNode(m, ProtocolJson.Options)!.AsObject()).ToArray(),
    };

    /// <summary>A card as the only attachment and no text: clients then keep it as one message that can be updated in place.</summary>
    public static Activity Card(ConversationReference to, AdaptiveCard card) => Base(to) with
    {
        Summary = card.FallbackText,
        Attachments = [new Attachment { ContentType = AdaptiveCard.ContentType, Content = card }],
    };

    private static Activity Base(ConversationReference to) => new()
    {
        Type = ActivityTypes.Message,
        ChannelId = to.ChannelId,
        ServiceUrl = to.ServiceUrl,
        From = new ChannelAccount { Id = to.BotId, Name = to.BotName },
        Conversation = new ConversationAccount { Id = to.ConversationId, ConversationType = to.ConversationType, TenantId = to.TenantId },
    };
}
