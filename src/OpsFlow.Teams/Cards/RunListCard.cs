using OpsFlow.Engine.Model;

namespace OpsFlow.Teams.Cards;

/// <summary>/runs: the most recent runs, newest first, each with its status symbol, id, requester and age.</summary>
internal static class RunListCard
{
    /// <param name="runs">The runs to show, newest first.</param>
    /// <param name="total">How many runs match the filter in all.</param>
    /// <param name="filter">The filter in words ("deploy, Failed"), or null for all runs.</param>
    /// <param name="now">The time ages are counted from.</param>
    /// <param name="dashboardUrl">The dashboard's address for links, or null.</param>
    public static AdaptiveCard Build(IReadOnlyList<RunRecord> runs, int total, string? filter, DateTimeOffset now, string? dashboardUrl)
    {
        var title = filter is null ? "Recent runs" : $"Recent runs: {filter}";
        var body = new List<CardElement>();
        if (runs.Count == 0)
        {
            body.Add(new TextBlock(filter is null ? "No runs yet. Start one with /<workflow>; /help lists them." : "No runs match.") { IsSubtle = true });
        }

        body.AddRange(runs.Select(r => Row(r, now, dashboardUrl)));
        if (total > runs.Count)
        {
            body.Add(ReplyCard.Note($"{runs.Count} of {total}. /runs <workflow> <status> narrows the list."));
        }

        IReadOnlyList<CardAction>? actions = string.IsNullOrWhiteSpace(dashboardUrl) ? null : [new OpenUrlAction("Open the dashboard", dashboardUrl)];
        var fallback = runs.Count == 0 ? $"{title}: none." : $"{title}: " + string.Join("; ", runs.Select(r => $"{r.Id} {r.Workflow} {r.Status}"));
        return ReplyCard.Build(title, fallback, body, actions);
    }

    private static ColumnSet Row(RunRecord run, DateTimeOffset now, string? dashboardUrl)
    {
        var (symbol, color) = StatusStyle.Of(run.Status);
        var id = ReplyCard.RunLink(dashboardUrl, run.Id) is { } link ? $"[{run.Id}]({link})" : run.Id;
        return new ColumnSet(
        [
            new Column([new TextBlock(symbol) { Color = color, Weight = "bolder" }]) { Width = "auto" },
            new Column(
            [
                new TextBlock($"**{run.Workflow}** · {id} · {run.Status}"),
                new TextBlock($"by {run.RequestedByName} · {ReplyCard.Age(now - run.CreatedAt)} ago{(run.Error is null ? string.Empty : $" · {run.Error}")}")
                {
                    IsSubtle = true,
                    Size = "small",
                    Spacing = "none",
                    MaxLines = 2,
                },
            ]) { Width = "stretch" },
        ]) { Spacing = "small" };
    }
}
