using System.Globalization;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Teams.Cards;

/// <summary>What /report shows for a period: the figures of docs/product.md §2 and, for a month, the monthly report text.</summary>
internal sealed record ReportData(
    string Period,
    ReportRange Range,
    RunSummary Summary,
    IReadOnlyList<StepDuration> SlowestSteps,
    IReadOnlyList<FailureCause> Failures,
    IReadOnlyList<WorkflowUsage> Workflows,
    string? MonthlyText);

/// <summary>/report: success rate, runs, durations (where time goes), top failure causes, most used workflows.</summary>
internal static class ReportCard
{
    public static AdaptiveCard Build(ReportData report)
    {
        var culture = CultureInfo.InvariantCulture;
        var summary = report.Summary;
        var body = new List<CardElement>
        {
            ReplyCard.Note($"{ReplyCard.Time(report.Range.From)} to {ReplyCard.Time(report.Range.To)}"),
            new FactSet(
            [
                new("Runs", string.Create(culture, $"{summary.Runs:N0} ({summary.Succeeded:N0} succeeded, {summary.Failed:N0} failed, {summary.RolledBack:N0} rolled back, {summary.Cancelled:N0} cancelled)")),
                new("Success rate", ReplyCard.Percent(summary.SuccessRate)),
                new("Duration", summary.Runs == 0 ? "-" : $"average {ReplyCard.Duration(summary.AverageDurationMs)}, median {ReplyCard.Duration(summary.MedianDurationMs)}"),
            ]),
            ReplyCard.Heading("Where the time goes"),
        };
        body.AddRange(Lines(report.SlowestSteps, s => string.Create(culture,
            $"{s.Workflow} / {s.Step}: {ReplyCard.Duration(s.TotalMs)} in all, {s.Attempts:N0} attempts, average {ReplyCard.Duration(s.AverageMs)}, p95 {ReplyCard.Duration(s.P95Ms)}"), "No step durations recorded."));
        body.Add(ReplyCard.Heading("Top failure causes"));
        body.AddRange(Lines(report.Failures, f => string.Create(culture,
            $"{f.Workflow} / {f.Step}: {(f.Error.Length == 0 ? "no error text" : f.Error)} — {f.Count:N0}×, last {ReplyCard.Time(f.LastAt)} (run {f.LastRunId})"), "Nothing failed."));
        body.Add(ReplyCard.Heading("Most used workflows"));
        body.AddRange(Lines(report.Workflows, w => string.Create(culture,
            $"{w.Workflow}: {w.Runs:N0} runs, {ReplyCard.Percent(w.SuccessRate)} succeeded, average {ReplyCard.Duration(w.AverageDurationMs)}"), "No runs."));
        if (report.MonthlyText is { } text)
        {
            body.Add(ReplyCard.Heading("Monthly report"));
            body.Add(new TextBlock(text) { FontType = "monospace", Size = "small" });
        }

        var fallback = string.Create(culture, $"OpsFlow report ({report.Period}): {summary.Runs:N0} runs, {ReplyCard.Percent(summary.SuccessRate)} succeeded.");
        return ReplyCard.Build($"OpsFlow report: {report.Period}", fallback, body);
    }

    private static IEnumerable<CardElement> Lines<T>(IReadOnlyList<T> items, Func<T, string> line, string none) =>
        items.Count == 0
            ? [new TextBlock(none) { IsSubtle = true }]
            : items.Select((item, i) => (CardElement)new TextBlock($"{i + 1}. {line(item)}") { Spacing = "small" });
}
