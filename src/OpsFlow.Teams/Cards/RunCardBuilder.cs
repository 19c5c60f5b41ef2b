using System.Text;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;

namespace OpsFlow.Teams.Cards;

/// <summary>
/// The run's progress card (docs/product.md §1, §7): a pure function of a <see cref="RunCardView"/>. The card stays well
/// under Teams' ~28 KB message limit: when the full card is too big, it is composed again with fewer step rows
/// and log lines until it fits.
/// </summary>
public static class RunCardBuilder
{
    /// <summary>The most a card's JSON may take; the activity around it needs room too.</summary>
    public const int MaxCardBytes = 24_000;

    private static readonly (int Rows, int LogLines)[] Budgets = [(25, 10), (15, 10), (10, 6), (6, 3), (3, 0)];

    /// <summary>Final states: the card shows the outcome, and of its buttons only Retry (Failed) and Run again.</summary>
    public static bool IsFinal(RunStatus status) =>
        status is RunStatus.Succeeded or RunStatus.RolledBack or RunStatus.Failed or RunStatus.Cancelled;

    /// <summary>Shown on a card posted in place of one a restart may have left behind (<see cref="RunCardView.Replacement"/>).</summary>
    public const string ReplacementLine = "This card replaces one that may have been left behind by a restart of OpsFlow; the older one is no longer updated.";

    public static AdaptiveCard Build(RunCardView view)
    {
        AdaptiveCard card = null!;
        foreach (var (rows, logLines) in Budgets)
        {
            card = Compose(view, rows, logLines);
            if (Encoding.UTF8.GetByteCount(CardJson.Serialize(card)) <= MaxCardBytes)
            {
                break;
            }
        }

        return card;
    }

    private static AdaptiveCard Compose(RunCardView view, int maxRows, int maxLogLines)
    {
        var run = view.Run;
        var body = new List<CardElement>();
        if (!string.IsNullOrWhiteSpace(view.Notice))
        {
            body.Add(new TextBlock(RunCardText.Trim(view.Notice, 300)) { Color = "attention", Weight = "bolder" });
        }

        if (view.Replacement)
        {
            body.Add(new TextBlock(ReplacementLine) { Size = "small", IsSubtle = true });
        }

        body.Add(Header(view));
        body.Add(Facts(run));
        body.AddRange(RunCardProgress.Build(view));
        body.AddRange(RunCardSteps.Build(view, maxRows));
        body.AddRange(RunCardFindings.Build(view, maxRows));
        if (!IsFinal(run.Status))
        {
            var waiting = view.Steps.Where(s => s.Kind == StepKind.Approval && s.Record.Status == StepStatus.Waiting && s.Approval is not null).ToArray();
            body.AddRange(waiting.Select((step, i) => RunCardApproval.Build(view, step, withReason: i == 0)));
        }

        body.AddRange(RunCardFailure.Build(view, maxLogLines));
        return new AdaptiveCard
        {
            Body = body,
            Actions = Actions(view),
            FallbackText = Summary(view),
        };
    }

    /// <summary>One line for notifications and clients that cannot draw cards.</summary>
    public static string Summary(RunCardView view)
    {
        var total = view.Steps.Count;
        var done = view.Steps.Count(s => RunCardProgress.IsDone(s.Record.Status));
        return $"{view.Run.Workflow} run {view.Run.Id}: {RunCardText.Status(view)}, {done} of {total} steps done";
    }

    /// <summary>The dashboard's run page (its router serves /runs/{id}).</summary>
    public static string? RunPage(string? dashboardUrl, string runId) =>
        string.IsNullOrWhiteSpace(dashboardUrl) ? null : $"{dashboardUrl.TrimEnd('/')}/runs/{Uri.EscapeDataString(runId)}";

    private static Container Header(RunCardView view)
    {
        var run = view.Run;
        var look = view.Look;
        var (symbol, color) = StatusStyle.Of(look);
        return new Container(
        [
            new TextBlock($"{run.Workflow} · run {run.Id}") { Size = "large", Weight = "bolder" },
            new TextBlock($"{symbol} {RunCardText.Status(view)}") { Color = color, Weight = "bolder", Spacing = "none" },
        ])
        {
            Style = StatusStyle.ContainerOf(look),
            Bleed = true,
        };
    }

    private static FactSet Facts(RunRecord run)
    {
        var facts = new List<Fact>();
        if (run.Parameters.Count > 0)
        {
            var parameters = string.Join(", ", run.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
            facts.Add(new Fact("Parameters", RunCardText.Trim(parameters, 400)));
        }

        facts.Add(new Fact("Requested by", run.RequestedByName));
        facts.Add(new Fact("Trigger", run.Trigger));
        facts.Add(new Fact("Started", RunCardText.Time(run.StartedAt ?? run.CreatedAt)));
        return new FactSet(facts);
    }

    private static List<CardAction>? Actions(RunCardView view)
    {
        List<CardAction> actions = [.. RunCardControls.Build(view.Run), .. DashboardLink(view)];
        return actions.Count == 0 ? null : actions;
    }

    private static IReadOnlyList<CardAction> DashboardLink(RunCardView view) =>
        RunPage(view.DashboardUrl, view.Run.Id) is { } url ? [new OpenUrlAction("Open in dashboard", url)] : [];
}
