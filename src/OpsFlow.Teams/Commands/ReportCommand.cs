using OpsFlow.Engine.Ports;
using OpsFlow.Engine.Reports;
using OpsFlow.Teams.Cards;

namespace OpsFlow.Teams.Commands;

/// <summary>
/// /report [week|month [YYYY-MM]]: the last seven days, or a calendar month (UTC; the current one unless named) with the
/// monthly report text, the same figures the dashboard shows.
/// </summary>
internal sealed class ReportCommand(IRunReports reports, IWorkflowCatalog catalog, TimeProvider clock, ChatReplies replies) : IChatCommand
{
    public const int TopCount = 5;

    public string Name => "report";

    public string Usage => "/report [week|month [YYYY-MM]]";

    public string Summary => "success rate, durations, top failures, most used workflows";

    public async Task RunAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var period = context.Arguments.Count == 0 ? "week" : context.Arguments[0].ToLowerInvariant();
        var now = clock.GetUtcNow();
        var (year, month) = (now.Year, now.Month);
        var named = period == "month" && context.Arguments.Count == 2;
        if (named && !TryMonth(context.Arguments[1], now, out year, out month))
        {
            await replies.TextAsync(context.Turn, $"`{context.Arguments[1]}` is not a month that has begun; write it as year-month, e.g. `/report month {now.AddMonths(-1):yyyy-MM}` for last month.", cancellationToken);
            return;
        }

        if (context.Arguments.Count > (named ? 2 : 1) || period is not ("week" or "month"))
        {
            await replies.TextAsync(context.Turn, $"Usage: `{Usage}`: week is the last seven days (the default), month the current calendar month or the one named (`/report month {now.AddMonths(-1):yyyy-MM}`).", cancellationToken);
            return;
        }

        ReportData data;
        if (period == "week")
        {
            var range = new ReportRange(now.AddDays(-7), now);
            data = new ReportData("last 7 days", range,
                await reports.GetSummaryAsync(range, cancellationToken),
                await SlowestAsync(range, cancellationToken),
                await reports.GetFailuresAsync(range, TopCount, cancellationToken),
                (await reports.GetWorkflowsAsync(range, cancellationToken)).Take(TopCount).ToArray(),
                null);
        }
        else
        {
            var report = await MonthlyReport.BuildAsync(reports, year, month, workflow => catalog.Find(workflow)?.ManualMinutes, cancellationToken);
            var range = MonthlyReport.Range(year, month);
            data = new ReportData(report.Month, range, report.Summary, await SlowestAsync(range, cancellationToken), report.Attention, report.TopWorkflows, report.Text);
        }

        await replies.CardAsync(context.Turn, ReportCard.Build(data), cancellationToken);
    }

    /// <summary>A month written as 2026-11 that has begun by <paramref name="now"/> (a report of the future is empty, so surely a typo).</summary>
    private static bool TryMonth(string text, DateTimeOffset now, out int year, out int month)
    {
        var ok = DateTime.TryParseExact(text, "yyyy-MM", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var parsed)
            && new DateTimeOffset(parsed.Year, parsed.Month, 1, 0, 0, 0, TimeSpan.Zero) <= now;
        (year, month) = ok ? (parsed.Year, parsed.Month) : (now.Year, now.Month);
        return ok;
    }

    private async Task<IReadOnlyList<StepDuration>> SlowestAsync(ReportRange range, CancellationToken cancellationToken) =>
        (await reports.GetStepDurationsAsync(range, null, cancellationToken)).Take(TopCount).ToArray();
}
