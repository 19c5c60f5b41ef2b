using OpsFlow.Teams.Cards;
using OpsFlow.Teams.Connector;
using OpsFlow.Teams.Inbound;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Commands;

/// <summary>Answers in the conversation a command came from.</summary>
internal sealed class ChatReplies(IConnectorClient connector)
{
    public Task TextAsync(Turn turn, string text, CancellationToken cancellationToken) =>
        connector.SendAsync(turn.Conversation, Outgoing.Text(turn.Conversation, text), cancellationToken);

    public Task CardAsync(Turn turn, AdaptiveCard card, CancellationToken cancellationToken) =>
        connector.SendAsync(turn.Conversation, Outgoing.Card(turn.Conversation, card), cancellationToken);
}
