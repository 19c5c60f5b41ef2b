using System.Globalization;
using System.Text;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Reports;

/// <summary>The plain text of the monthly report and the weekly digest: the same sections, for a month or a week.</summary>
internal static class ReportWriter
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    /// <param name="period">"month" or "week", as in "No runs this month".</param>
    public static string Write(string title, string period, RunSummary summary, IReadOnlyList<WorkflowUsage> workflows, IReadOnlyList<FailureCause> failures, ManualWork manual)
    {
        var text = new StringBuilder();
        text.Append(title).Append("\n\nTotals\n");
        if (summary.Runs == 0)
        {
            text.Append(Culture, $"  No runs this {period}.\n");
        }
        else
        {
            text.Append(Culture, $"  Runs: {summary.Runs:N0} ({summary.Succeeded:N0} succeeded, {summary.Failed:N0} failed, {summary.RolledBack:N0} rolled back, {summary.Cancelled:N0} cancelled)\n");
            text.Append(Culture, $"  Success rate: {ReportText.Percent(summary.SuccessRate)}\n");
            text.Append(Culture, $"  Average duration: {DurationText.OfMilliseconds(summary.AverageDurationMs)}\n");
        }

        text.Append("\nMost used workflows\n");
        if (workflows.Count == 0)
        {
            text.Append("  None.\n");
        }

        for (var i = 0; i < workflows.Count; i++)
        {
            var w = workflows[i];
            text.Append(Culture, $"  {i + 1}. {w.Workflow}: {w.Runs:N0} {(w.Runs == 1 ? "run" : "runs")}, {ReportText.Percent(w.SuccessRate)} succeeded\n");
        }

        text.Append("\nNeeds attention\n");
        if (failures.Count == 0)
        {
            text.Append(Culture, $"  Nothing failed this {period}.\n");
        }

        for (var i = 0; i < failures.Count; i++)
        {
            var f = failures[i];
            var error = f.Error.Length == 0 ? "no error text" : $"\"{f.Error}\"";
            text.Append(Culture, $"  {i + 1}. {f.Workflow} / {f.Step}: {error}, {f.Count:N0} {(f.Count == 1 ? "time" : "times")} (last {f.LastAt.ToString("yyyy-MM-dd HH:mm", Culture)} UTC, run {f.LastRunId})\n");
        }

        text.Append("\nManual work saved (estimate)\n");
        if (manual.Shares.Count == 0)
        {
            text.Append("  None counted: no workflow that succeeded declares how long the work takes by hand (ManualMinutes in its script).\n");
        }
        else
        {
            text.Append(Culture, $"  About {Hours(manual.Minutes)}: ");
            text.Append(string.Join(", ", manual.Shares.Select(s => string.Create(Culture, $"{s.Workflow} {s.Runs:N0} × {s.MinutesPerRun} min"))));
            text.Append('\n');
            if (manual.Undeclared.Count > 0)
            {
                text.Append(Culture, $"  Not counted (no ManualMinutes): {string.Join(", ", manual.Undeclared)}\n");
            }
        }

        return text.ToString();
    }

    private static string Hours(int minutes) =>
        minutes < 60 ? $"{minutes} min" : minutes % 60 == 0 ? $"{minutes / 60} h" : $"{minutes / 60} h {minutes % 60} min";
}
