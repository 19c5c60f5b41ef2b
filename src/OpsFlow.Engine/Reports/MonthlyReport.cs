using System.Globalization;
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

    /// <param name="manualMinutes">A workflow's declared manual minutes (the catalog's), for the time saved; none counted without it.</param>
    public static async Task<MonthlyReport> BuildAsync(IRunReports reports, int year, int month, Func<string, int?>? manualMinutes = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var range = Range(year, month);
        var summary = await reports.GetSummaryAsync(range, cancellationToken);
        var all = await reports.GetWorkflowsAsync(range, cancellationToken);
        IReadOnlyList<WorkflowUsage> workflows = all.Take(TopCount).ToArray();
        var failures = await reports.GetFailuresAsync(range, TopCount, cancellationToken);
        var manual = manualMinutes is null ? ManualWork.None : ManualWork.Of(all, manualMinutes);
        var name = range.From.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var title = $"OpsFlow monthly report: {range.From.ToString("MMMM yyyy", CultureInfo.InvariantCulture)}";
        return new MonthlyReport(name, summary, workflows, failures, ReportWriter.Write(title, "month", summary, workflows, failures, manual)) { ManualWork = manual };
    }

    /// <summary>The manual work the month's succeeded runs saved (empty when the report was built without the catalog).</summary>
    public ManualWork ManualWork { get; init; } = ManualWork.None;
}
