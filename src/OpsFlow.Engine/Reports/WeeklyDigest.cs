using System.Globalization;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Reports;

/// <summary>The weekly digest: the monthly report's sections for one week (Monday to Monday, UTC).</summary>
public sealed record WeeklyDigest(ReportRange Range, RunSummary Summary, ManualWork ManualWork, string Text)
{
    /// <summary>The ISO week holding <paramref name="day"/>, Monday 00:00 UTC to the next Monday.</summary>
    public static ReportRange Week(DateTimeOffset day)
    {
        var date = day.UtcDateTime.Date;
        var monday = date.AddDays(-(((int)date.DayOfWeek + 6) % 7));
        var start = new DateTimeOffset(monday, TimeSpan.Zero);
        return new ReportRange(start, start.AddDays(7));
    }

    /// <summary>"2026-W49": the week's ISO name, for keys and titles.</summary>
    public static string Name(ReportRange week) =>
        string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(week.From.UtcDateTime)}-W{ISOWeek.GetWeekOfYear(week.From.UtcDateTime):00}");

    public static async Task<WeeklyDigest> BuildAsync(IRunReports reports, ReportRange week, Func<string, int?>? manualMinutes = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var summary = await reports.GetSummaryAsync(week, cancellationToken);
        var all = await reports.GetWorkflowsAsync(week, cancellationToken);
        IReadOnlyList<WorkflowUsage> workflows = all.Take(MonthlyReport.TopCount).ToArray();
        var failures = await reports.GetFailuresAsync(week, MonthlyReport.TopCount, cancellationToken);
        var manual = manualMinutes is null ? ManualWork.None : ManualWork.Of(all, manualMinutes);
        var culture = CultureInfo.InvariantCulture;
        var title = $"OpsFlow weekly digest: {Name(week)} ({week.From.ToString("d MMM", culture)} to {week.To.AddDays(-1).ToString("d MMM yyyy", culture)})";
        return new WeeklyDigest(week, summary, manual, ReportWriter.Write(title, "week", summary, workflows, failures, manual));
    }
}
