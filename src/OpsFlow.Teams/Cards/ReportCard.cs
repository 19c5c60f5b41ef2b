using System.Globalization;
using OpsFlow.Engine.Reports;
using OpsFlow.Engine.Model;
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
            ReplyCard.Note($"{RunCardText.Time(report.Range.From)} to {RunCardText.Time(report.Range.To)}"),
            new FactSet(
            [
                new("Runs", string.Create(culture, $"{summary.Runs:N0} ({summary.Succeeded:N0} succeeded, {summary.Failed:N0} failed, {summary.RolledBack:N0} rolled back, {summary.Cancelled:N0} cancelled)")),
                new("Success rate", ReportText.Percent(summary.SuccessRate)),
                new("Duration", summary.Runs == 0 ? "-" : $"average {DurationText.OfMilliseconds(summary.AverageDurationMs)}, median {DurationText.OfMilliseconds(summary.MedianDurationMs)}"),
            ]),
            ReplyCard.Heading("Where the time goes"),
        };
        body.AddRange(Lines(report.SlowestSteps, s => string.Create(culture,
            $"{s.Workflow} / {s.Step}: {DurationText.OfMilliseconds(s.TotalMs)} in all, {s.Attempts:N0} attempts, average {DurationText.OfMilliseconds(s.AverageMs)}, p95 {DurationText.OfMilliseconds(s.P95Ms)}")
            + (s.AverageCpuMs is { } cpu ? $", CPU {DurationText.OfMilliseconds(cpu)} on average" : string.Empty), "No step durations recorded."));
        body.Add(ReplyCard.Heading("Top failure causes"));
        body.AddRange(Lines(report.Failures, f => string.Create(culture,
            $"{f.Workflow} / {f.Step}: {(f.Error.Length == 0 ? "no error text" : f.Error)} — {f.Count:N0}×, last {RunCardText.Time(f.LastAt)} (run {f.LastRunId})"), "Nothing failed."));
        body.Add(ReplyCard.Heading("Most used workflows"));
        body.AddRange(Lines(report.Workflows, w => string.Create(culture,
            $"{w.Workflow}: {w.Runs:N0} runs, {ReportText.Percent(w.SuccessRate)} succeeded, average {DurationText.OfMilliseconds(w.AverageDurationMs)}"), "No runs."));
        if (report.MonthlyText is { } text)
        {
            body.Add(ReplyCard.Heading("Monthly report"));
            body.Add(new TextBlock(text) { FontType = "monospace", Size = "small" });
        }

        var fallback = string.Create(culture, $"OpsFlow report ({report.Period}): {summary.Runs:N0} runs, {ReportText.Percent(summary.SuccessRate)} succeeded.");
        return ReplyCard.Build($"OpsFlow report: {report.Period}", fallback, body);
    }

    private static IEnumerable<CardElement> Lines<T>(IReadOnlyList<T> items, Func<T, string> line, string none) =>
        items.Count == 0
            ? [new TextBlock(none) { IsSubtle = true }]
            : items.Select((item, i) => (CardElement)new TextBlock($"{i + 1}. {line(item)}") { Spacing = "small" });
}
