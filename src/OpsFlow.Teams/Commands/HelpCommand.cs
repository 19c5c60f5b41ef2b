using OpsFlow.Engine.Ports;
using OpsFlow.Teams.Cards;
using OpsFlow.Teams.Inbound;

namespace OpsFlow.Teams.Commands;

/// <summary>The help card, also the answer to an unknown command or workflow (docs/product.md §2: never fail silently).</summary>
internal sealed class HelpReplies(IWorkflowCatalog catalog, CommandIndex commands, ChatReplies replies, TeamsOptions options)
{
    public AdaptiveCard Overview(string? problem) =>
        HelpCards.Overview(catalog.List(), commands.All.Select(c => new CommandHelp(c.Usage, c.Summary)).ToArray(), problem, DefaultConversationNote());

    /// <summary>Where the cards of runs started outside chat go, so nobody wonders where a dashboard run's approval is.</summary>
    private string DefaultConversationNote() =>
        string.IsNullOrWhiteSpace(options.DefaultConversation)
            ? "Runs started outside chat (dashboard, API, command line, schedules without a conversation) post no card: set OpsFlow:Teams:DefaultConversation to give them one."
            : $"Runs started outside chat (dashboard, API, command line, schedules without a conversation) post their card in the default conversation, {Describe(options.DefaultConversation.Trim())}.";

    private string Describe(string nameOrId) =>
        options.Conversations.ContainsKey(nameOrId) ? $"'{nameOrId}' ({options.ResolveConversation(nameOrId)})" : nameOrId;

    public Task SendOverviewAsync(Turn turn, string? problem, CancellationToken cancellationToken) =>
        replies.CardAsync(turn, Overview(problem), cancellationToken);

    /// <summary>"unknown command '/x'" and the list of what there is.</summary>
    public Task UnknownAsync(Turn turn, string name, CancellationToken cancellationToken) =>
        SendOverviewAsync(turn, $"Unknown command '/{name}': it is neither a built-in command nor a workflow. Here is what there is.", cancellationToken);
}

/// <summary>/help and /help &lt;workflow&gt;.</summary>
internal sealed class HelpCommand(IWorkflowCatalog catalog, OptionalSchedules schedules, HelpReplies help, ChatReplies replies) : IChatCommand
{
    public string Name => "help";

    public string Usage => "/help [workflow]";

    public string Summary => "this list, or one workflow's parameters and schedules";

    public async Task RunAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (context.Arguments.Count == 0)
        {
            await help.SendOverviewAsync(context.Turn, null, cancellationToken);
            return;
        }

        var name = context.Arguments[0].TrimStart('/');
        if (catalog.Find(name) is not { } workflow)
        {
            await help.SendOverviewAsync(context.Turn, $"There is no workflow '{name}'.", cancellationToken);
            return;
        }

        IReadOnlyList<RunSchedule>? live = schedules.Port is { } port
            ? (await port.ListAsync(cancellationToken)).Where(s => string.Equals(s.Workflow, workflow.Name, StringComparison.OrdinalIgnoreCase)).ToArray()
            : null;
        await replies.CardAsync(context.Turn, HelpCards.Workflow(workflow, live), cancellationToken);
    }
}
