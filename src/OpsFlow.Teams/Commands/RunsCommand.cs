using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Teams.Cards;

namespace OpsFlow.Teams.Commands;

/// <summary>/runs [workflow] [status]: the ten most recent runs, optionally of one workflow and/or in one status.</summary>
internal sealed class RunsCommand(IRunStore store, IWorkflowCatalog catalog, TeamsOptions options, TimeProvider clock, ChatReplies replies) : IChatCommand
{
    public const int Shown = 10;

    public string Name => "runs";

    public string Usage => "/runs [workflow] [status]";

    public string Summary => "the 10 most recent runs, with status and links";

    public async Task RunAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var (query, problem) = Filter(context.Arguments);
        if (problem is not null)
        {
            await replies.TextAsync(context.Turn, problem, cancellationToken);
            return;
        }

        var page = await store.ListRunsAsync(query! with { Take = Shown }, cancellationToken);
        var filter = string.Join(", ", new[] { query!.Workflow, query.Status?.ToString() }.OfType<string>());
        var card = RunListCard.Build(page.Runs, page.Total, filter.Length == 0 ? null : filter, clock.GetUtcNow(), options.DashboardUrl);
        await replies.CardAsync(context.Turn, card, cancellationToken);
    }

    /// <summary>One argument is a status when it names one, else a workflow; two are a workflow and a status.</summary>
    private (RunQuery? Query, string? Problem) Filter(IReadOnlyList<string> arguments)
    {
        switch (arguments.Count)
        {
            case 0:
                return (new RunQuery(), null);
            case 1 when TryStatus(arguments[0], out var status):
                return (new RunQuery { Status = status }, null);
            case 1 when catalog.Find(arguments[0]) is { } workflow:
                return (new RunQuery { Workflow = workflow.Name }, null);
            case 1:
                return (null, $"'{arguments[0]}' is neither a workflow nor a run status. Workflows: {Workflows()}. Statuses: {Statuses}. Usage: `{Usage}`.");
            case 2 when TryStatus(arguments[1], out var status):
                return (new RunQuery { Workflow = catalog.Find(arguments[0])?.Name ?? arguments[0], Status = status }, null);
            case 2:
                return (null, $"'{arguments[1]}' is not a run status. The statuses are: {Statuses}. Usage: `{Usage}`.");
            default:
                return (null, $"Too many arguments. Usage: `{Usage}`, for example `/runs deploy failed`.");
        }
    }

    private static string Statuses => string.Join(", ", Enum.GetNames<RunStatus>().Select(s => s.ToLowerInvariant()));

    private string Workflows() => string.Join(", ", catalog.List().Select(w => w.Name));

    /// <summary>A status by its name in any case, "waiting" for WaitingForApproval included.</summary>
    private static bool TryStatus(string text, out RunStatus status)
    {
        if (string.Equals(text, "waiting", StringComparison.OrdinalIgnoreCase))
        {
            status = RunStatus.WaitingForApproval;
            return true;
        }

        // Names only: Enum.TryParse would also take "3" or "Running, Failed".
        var name = Enum.GetNames<RunStatus>().FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
        status = name is null ? default : Enum.Parse<RunStatus>(name);
        return name is not null;
    }
}
