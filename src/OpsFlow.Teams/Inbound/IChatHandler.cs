using OpsFlow.Chat;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Inbound;

/// <summary>One inbound activity and the conversation it came from (its reference already stored).</summary>
public sealed record Turn(Activity Activity, ConversationReference Conversation);

/// <summary>What the bot does with what people send: commands, card buttons, being added to a conversation.</summary>
public interface IChatHandler
{
    /// <summary>A message: a command (`/deploy …` or an @mention). Runs in the background after the HTTP answer.</summary>
    Task OnMessageAsync(Turn turn, CancellationToken cancellationToken);

    /// <summary>
    /// A card button (`adaptiveCard/action`). Runs while Teams waits, so it must answer within seconds: the
    /// returned card replaces the one the person pressed.
    /// </summary>
    Task<InvokeResponse> OnCardActionAsync(Turn turn, CancellationToken cancellationToken);

    /// <summary>The bot was installed or added to a conversation (conversationUpdate, installationUpdate).</summary>
    Task OnInstalledAsync(Turn turn, CancellationToken cancellationToken);
}
