using OpsFlow.Engine.Ports;
using OpsFlow.Teams.Publishing;

namespace OpsFlow.Teams.Commands;

/// <summary>/status &lt;run&gt;: posts the run's card here; from then on this card is the one kept up to date.</summary>
internal sealed class StatusCommand(IRunStore store, IRunCards cards, ChatReplies replies) : IChatCommand
{
    public string Name => "status";

    public string Usage => "/status <run>";

    public string Summary => "post (or refresh) a run's card here";

    public async Task RunAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (context.Arguments.Count != 1)
        {
            await replies.TextAsync(context.Turn, $"Usage: `{Usage}`, with one run id. /runs lists recent runs and their ids.", cancellationToken);
            return;
        }

        var runId = context.Arguments[0];
        if (await store.GetRunAsync(runId, cancellationToken) is null)
        {
            await replies.TextAsync(context.Turn, $"There is no run '{runId}'. /runs lists recent runs and their ids.", cancellationToken);
            return;
        }

        await cards.PostAsync(runId, context.Turn.Conversation, cancellationToken);
    }
}
