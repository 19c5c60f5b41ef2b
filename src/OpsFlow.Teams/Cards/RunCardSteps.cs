using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;

namespace OpsFlow.Teams.Cards;

/// <summary>
/// One row per step in position order: symbol in the status colour, name, and what is known (duration, attempt,
/// progress text, votes). A huge workflow shows the steps that matter now plus their neighbours and a summary
/// line for the rest.
/// </summary>
internal static class RunCardSteps
{
    public static IEnumerable<CardElement> Build(RunCardView view, int maxRows)
    {
        var ordered = view.Steps.OrderBy(s => s.Record.Position).ThenBy(s => s.Name, StringComparer.Ordinal).ToArray();
        var shown = Pick(ordered, maxRows);
        var first = true;
        foreach (var step in ordered.Where(shown.Contains))
        {
            yield return Row(view, step, first);
            first = false;
        }

        var hidden = ordered.Where(s => !shown.Contains(s)).ToArray();
        if (hidden.Length > 0)
        {
            var counts = hidden.GroupBy(s => s.Record.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} {RunCardText.Status(g.Key)}");
            yield return new TextBlock($"… and {hidden.Length} more steps ({string.Join(", ", counts)})") { IsSubtle = true, Size = "small" };
        }
    }

    /// <summary>Steps worth a row: the active and failed ones first, then those nearest to where the run is.</summary>
    private static HashSet<StepView> Pick(StepView[] ordered, int maxRows)
    {
        if (ordered.Length <= maxRows)
        {
            return [.. ordered];
        }

        var anchor = Array.FindIndex(ordered, s => IsActive(s.Record.Status));
        if (anchor < 0)
        {
            anchor = Math.Max(0, Array.FindLastIndex(ordered, s => s.Record.Status != StepStatus.Pending));
        }

        return [.. ordered
            .Select((step, index) => (step, index))
            .OrderBy(x => IsActive(x.step.Record.Status) ? 0 : 1)
            .ThenBy(x => Math.Abs(x.index - anchor))
            .Take(maxRows)
            .Select(x => x.step)];
    }

    private static bool IsActive(StepStatus status) => status is StepStatus.Running or StepStatus.Waiting or StepStatus.Failed
        or StepStatus.TimedOut or StepStatus.Compensating or StepStatus.CompensationFailed;

    private static ColumnSet Row(RunCardView view, StepView step, bool first)
    {
        var (symbol, color) = StatusStyle.Of(step.Record.Status, waitsForPeople: step.Kind == StepKind.Approval);
        if (step.ContinueOnError && step.Record.Status is StepStatus.Failed or StepStatus.TimedOut)
        {
            // A failure the script allowed (ContinueOnError): worth a look, not an alarm; the run went on.
            color = StatusStyle.Color(StatusTone.Warning);
        }

        var name = new TextBlock(step.Name) { Weight = step.Record.Status is StepStatus.Running or StepStatus.Waiting ? "bolder" : null };
        var items = new List<CardElement> { name };
        if (Detail(view, step) is { Length: > 0 } detail)
        {
            items.Add(new TextBlock(detail) { IsSubtle = true, Size = "small", Spacing = "none" });
        }

        return new ColumnSet(
        [
            new Column([new TextBlock(symbol) { Color = color, Weight = "bolder" }]) { Width = "24px" },
            new Column(items) { Width = "stretch" },
            new Column([new TextBlock(RunCardText.Status(step.Record.Status)) { Color = color, Size = "small" }]) { Width = "auto" },
        ])
        {
            Spacing = first ? "medium" : "small",
            Separator = first ? true : null,
        };
    }

    private static string Detail(RunCardView view, StepView step)
    {
        var record = step.Record;
        var parts = new List<string>();
        if (record.StartedAt is { } started && record.Status is not StepStatus.Pending)
        {
            parts.Add(DurationText.Of((record.EndedAt ?? view.Now) - started));
        }

        if (step.MaxAttempts > 1 && record.Attempt > 0)
        {
            parts.Add($"attempt {record.Attempt}/{step.MaxAttempts}");
        }

        if (record.Status == StepStatus.Running && (record.ProgressPercent is not null || record.ProgressText is not null))
        {
            var percent = record.ProgressPercent is { } p ? $"{p}%" : null;
            parts.Add(RunCardText.Trim(string.Join(" ", new[] { percent, record.ProgressText }.Where(x => x is not null)), 120));
        }

        if (record.Items.Count > 0)
        {
            // Many nodes in one line: each one is on the dashboard.
            parts.Add(StepItem.Summary(record.Items));
        }

        if (step.Kind == StepKind.Approval && record.Votes.Count > 0)
        {
            parts.Add(string.Join("; ", record.Votes.Select(v => $"{(v.Approved ? "approved" : "rejected")} by {v.ActorName} at {RunCardText.Time(v.At)}")));
        }

        if (record.Status == StepStatus.Failed && step.ContinueOnError)
        {
            parts.Add("failure ignored (continue on error)");
        }

        return string.Join(" · ", parts);
    }
}
