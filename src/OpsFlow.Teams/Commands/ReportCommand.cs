using OpsFlow.Engine.Ports;
using OpsFlow.Engine.Reports;
using OpsFlow.Teams.Cards;

namespace OpsFlow.Teams.Commands;

/// <summary>
/// /report [week|month]: the last seven days, or the current calendar month (UTC) with the monthly report text,
/// the same figures the dashboard shows (docs/product.md §9).
/// </summary>
internal sealed class ReportCommand(IRunReports reports, TimeProvider clock, ChatReplies replies) : IChatCommand
{
    public const int TopCount = 5;

    public string Name => "report";

    public string Usage => "/report [week|month]";

    public string Summary => "success rate, durations, top failures, most used workflows";

    public async Task RunAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var period = context.Arguments.Count == 0 ? "week" : context.Arguments[0].ToLowerInvariant();
        if (context.Arguments.Count > 1 || period is not ("week" or "month"))
        {
            await replies.TextAsync(context.Turn, $"Usage: `{Usage}`: week is the last seven days (the default), month the current calendar month.", cancellationToken);
            return;
        }

        var now = clock.GetUtcNow();
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
            var month = await MonthlyReport.BuildAsync(reports, now.Year, now.Month, cancellationToken);
            var range = MonthlyReport.Range(now.Year, now.Month);
            data = new ReportData(month.Month, range, month.Summary, await SlowestAsync(range, cancellationToken), month.Attention, month.TopWorkflows, month.Text);
        }

        await replies.CardAsync(context.Turn, ReportCard.Build(data), cancellationToken);
    }

    private async Task<IReadOnlyList<StepDuration>> SlowestAsync(ReportRange range, CancellationToken cancellationToken) =>
        (await reports.GetStepDurationsAsync(range, null, cancellationToken)).Take(TopCount).ToArray();
}
