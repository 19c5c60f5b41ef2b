using Microsoft.Extensions.Logging;
using OpsFlow.Teams.Inbound;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Commands;

/// <summary>
/// What the bot does with what people send (docs/product.md §2): a built-in command, else a workflow to start, else the
/// help card; card buttons; a hello when it is added. The same in personal chats, group chats and channels.
/// </summary>
internal sealed class ChatCommandHandler(
    CommandIndex commands,
    WorkflowStarter starter,
    HelpReplies help,
    ChatActors actors,
    CardActionHandler cardActions,
    WelcomeMessage welcome,
    CommandRate rate,
    ChatReplies replies,
    ILogger<ChatCommandHandler> logger) : IChatHandler
{
    public async Task OnMessageAsync(Turn turn, CancellationToken cancellationToken)
    {
        var command = CommandParser.Parse(turn.Activity);
        if (command is null)
        {
            if (turn.Activity.Value is not null)
            {
                // An Action.Submit from some other card arrives as a message with a value and no text: not ours.
                CommandLog.IgnoredSubmit(logger, turn.Activity.Id);
                return;
            }

            await help.SendOverviewAsync(turn, null, cancellationToken);
            return;
        }

        if (rate.Refusal(turn.Activity.From?.Id ?? "anonymous", turn.Conversation.ConversationId) is { } slowDown)
        {
            CommandLog.RateLimited(logger, command.Name, turn.Activity.From?.Id, turn.Conversation.ConversationId);
            await replies.TextAsync(turn, slowDown, cancellationToken);
            return;
        }

        var builtIn = commands.Find(command.Name);
        var actor = await actors.ResolveAsync(turn, builtIn?.DecidesApprovals ?? false, cancellationToken);
        var context = new CommandContext(turn, actor, command);
        CommandLog.Received(logger, command.Name, actor.Label, turn.Conversation.ConversationType);
        if (builtIn is not null)
        {
            await builtIn.RunAsync(context, cancellationToken);
        }
        else if (starter.Find(command.Name) is { } workflow)
        {
            await starter.StartAsync(context, workflow, cancellationToken);
        }
        else
        {
            CommandLog.Unknown(logger, command.Name, actor.Label);
            await help.UnknownAsync(turn, command.Name, cancellationToken);
        }
    }

    public Task<InvokeResponse> OnCardActionAsync(Turn turn, CancellationToken cancellationToken) =>
        cardActions.HandleAsync(turn, cancellationToken);

    public Task OnInstalledAsync(Turn turn, CancellationToken cancellationToken) =>
        welcome.OnInstalledAsync(turn, cancellationToken);
}
