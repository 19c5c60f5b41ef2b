using System.Globalization;
using OpsFlow.Engine.Model;
using System.Text;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Reports;

/// <summary>
/// The monthly report of seed §8.3: totals, the five most used workflows with their success rate, and the failure
/// causes that need attention. <see cref="Text"/> is what chat's <c>/report month</c> posts.
/// </summary>
public sealed record MonthlyReport(string Month, RunSummary Summary, IReadOnlyList<WorkflowUsage> TopWorkflows, IReadOnlyList<FailureCause> Attention, string Text)
{
    public const int TopCount = 5;

    /// <summary>The UTC month [first day, first day of the next month).</summary>
    public static ReportRange Range(int year, int month)
    {
        var start = new DateTimeOffset(year, month, 1, 0, 0, 0, TimeSpan.Zero);
        return new ReportRange(start, start.AddMonths(1));
    }

    public static async Task<MonthlyReport> BuildAsync(IRunReports reports, int year, int month, CancellationToken cancellationToken = default)
    {
        var range = Range(year, month);
        var summary = await reports.GetSummaryAsync(range, cancellationToken);
        IReadOnlyList<WorkflowUsage> workflows = (await reports.GetWorkflowsAsync(range, cancellationToken)).Take(TopCount).ToArray();
        var failures = await reports.GetFailuresAsync(range, TopCount, cancellationToken);
        var name = range.From.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        return new MonthlyReport(name, summary, workflows, failures, Write(range.From, summary, workflows, failures));
    }

    private static string Write(DateTimeOffset month, RunSummary summary, IReadOnlyList<WorkflowUsage> workflows, IReadOnlyList<FailureCause> failures)
    {
        var culture = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append(culture, $"OpsFlow monthly report: {month.ToString("MMMM yyyy", culture)}\n\n");
        text.Append("Totals\n");
        if (summary.Runs == 0)
        {
            text.Append("  No runs this month.\n");
        }
        else
        {
            text.Append(culture, $"  Runs: {summary.Runs:N0} ({summary.Succeeded:N0} succeeded, {summary.Failed:N0} failed, {summary.RolledBack:N0} rolled back, {summary.Cancelled:N0} cancelled)\n");
            text.Append(culture, $"  Success rate: {ReportText.Percent(summary.SuccessRate)}\n");
            text.Append(culture, $"  Average duration: {DurationText.OfMilliseconds(summary.AverageDurationMs)}\n");
        }

        text.Append("\nMost used workflows\n");
        if (workflows.Count == 0)
        {
            text.Append("  None.\n");
        }

        for (var i = 0; i < workflows.Count; i++)
        {
            var w = workflows[i];
            text.Append(culture, $"  {i + 1}. {w.Workflow}: {w.Runs:N0} {(w.Runs == 1 ? "run" : "runs")}, {ReportText.Percent(w.SuccessRate)} succeeded\n");
        }

        text.Append("\nNeeds attention\n");
        if (failures.Count == 0)
        {
            text.Append("  Nothing failed this month.\n");
        }

        for (var i = 0; i < failures.Count; i++)
        {
            var f = failures[i];
            var error = f.Error.Length == 0 ? "no error text" : $"\"{f.Error}\"";
            text.Append(culture, $"  {i + 1}. {f.Workflow} / {f.Step}: {error}, {f.Count:N0} {(f.Count == 1 ? "time" : "times")} (last {f.LastAt.ToString("yyyy-MM-dd HH:mm", culture)} UTC, run {f.LastRunId})\n");
        }

        return text.ToString();
    }
}
