using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Ports;
using OpsFlow.Engine.Reports;

namespace OpsFlow.Notifications;

/// <summary>
/// Posts the weekly digest (Monday, for the week that ended) and the monthly report (the 1st, for the month that
/// ended) at the configured time, through the notice outbox: stored before it is sent, retried like any notice, and
/// once per report and channel whichever host gets there first (the key names the report: report:week:2026-W49).
/// A host that was down at the time sends it when it starts, up to a day late (three for the month).
/// </summary>
internal sealed partial class ReportDelivery(
    NotificationOptions options,
    IRunReports reports,
    IWorkflowCatalog catalog,
    INoticeOutbox outbox,
    DeliverySignal signal,
    TimeProvider clock,
    ILogger<ReportDelivery> logger) : BackgroundService
{
    private static readonly TimeSpan WeeklyLateness = TimeSpan.FromDays(1);
    private static readonly TimeSpan MonthlyLateness = TimeSpan.FromDays(3);

    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(options.Reports.TimeZone);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var now = clock.GetUtcNow();
        await CatchUpAsync(now, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            now = clock.GetUtcNow();
            var nextWeekly = options.Reports.Weekly ? NextWeekly(now) : DateTimeOffset.MaxValue;
            var nextMonthly = options.Reports.Monthly ? NextMonthly(now) : DateTimeOffset.MaxValue;
            var next = nextWeekly < nextMonthly ? nextWeekly : nextMonthly;
            if (next == DateTimeOffset.MaxValue)
            {
                return;
            }

            Log.Next(logger, next);
            await Task.Delay(next - now, clock, stoppingToken);
            if (next == nextWeekly)
            {
                await SendWeeklyAsync(next, stoppingToken);
            }

            if (next == nextMonthly)
            {
                await SendMonthlyAsync(next, stoppingToken);
            }
        }
    }

    /// <summary>The next Monday at the configured time, local to the zone, after <paramref name="now"/>.</summary>
    internal DateTimeOffset NextWeekly(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, _zone);
        var days = ((int)DayOfWeek.Monday - (int)local.DayOfWeek + 7) % 7;
        var candidate = At(local.Date.AddDays(days));
        return candidate > now ? candidate : At(local.Date.AddDays(days + 7));
    }

    /// <summary>The next 1st of a month at the configured time, local to the zone, after <paramref name="now"/>.</summary>
    internal DateTimeOffset NextMonthly(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, _zone);
        var first = new DateTime(local.Year, local.Month, 1);
        var candidate = At(first);
        return candidate > now ? candidate : At(first.AddMonths(1));
    }

    private async Task CatchUpAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The last time each was due: one period before the next.
        var lastWeekly = NextWeekly(now - TimeSpan.FromDays(7));
        if (options.Reports.Weekly && lastWeekly <= now && now - lastWeekly <= WeeklyLateness)
        {
            await SendWeeklyAsync(lastWeekly, cancellationToken);
        }

        var local = TimeZoneInfo.ConvertTime(now, _zone);
        var lastMonthly = NextMonthly(At(new DateTime(local.Year, local.Month, 1).AddMonths(-1)));
        if (options.Reports.Monthly && lastMonthly <= now && now - lastMonthly <= MonthlyLateness)
        {
            await SendMonthlyAsync(lastMonthly, cancellationToken);
        }
    }

    /// <summary>For the ISO week before the one <paramref name="due"/> falls in (UTC weeks, as every report).</summary>
    private async Task SendWeeklyAsync(DateTimeOffset due, CancellationToken cancellationToken)
    {
        var week = WeeklyDigest.Week(due.AddDays(-7));
        var digest = await WeeklyDigest.BuildAsync(reports, week, ManualMinutes, cancellationToken);
        var name = WeeklyDigest.Name(week);
        await EnqueueAsync($"report:week:{name}", $"OpsFlow weekly digest {name}", digest.Text, cancellationToken);
    }

    /// <summary>For the month before the one <paramref name="due"/> falls in.</summary>
    private async Task SendMonthlyAsync(DateTimeOffset due, CancellationToken cancellationToken)
    {
        var month = TimeZoneInfo.ConvertTime(due, _zone).AddMonths(-1);
        var report = await MonthlyReport.BuildAsync(reports, month.Year, month.Month, ManualMinutes, cancellationToken);
        await EnqueueAsync($"report:month:{report.Month}", $"OpsFlow monthly report {report.Month}", report.Text, cancellationToken);
    }

    private async Task EnqueueAsync(string key, string subject, string text, CancellationToken cancellationToken)
    {
        try
        {
            var now = clock.GetUtcNow();
            var deliveries = options.ReportChannels.Select(channel => new NoticeDelivery(key, channel, "", NoticeLevel.Info, subject, text, now) { NextAt = now }).ToArray();
            await outbox.EnqueueAsync(deliveries, cancellationToken);
            signal.Wake();
            Log.Queued(logger, key, deliveries.Length);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The next start within the lateness window tries again; the key keeps it from going out twice.
            Log.Failed(logger, ex, key);
        }
    }

    private int? ManualMinutes(string workflow) => catalog.Find(workflow)?.ManualMinutes;

    private DateTimeOffset At(DateTime localDate)
    {
        var local = localDate.Date + options.Reports.At;
        // A time that does not exist (the hour a clock springs forward) is taken an hour later.
        if (_zone.IsInvalidTime(local))
        {
            local = local.AddHours(1);
        }

        return new DateTimeOffset(local, _zone.GetUtcOffset(local)).ToUniversalTime();
    }

    private static partial class Log
    {
        [LoggerMessage(6100, LogLevel.Debug, "The next report goes out at {At}")]
        public static partial void Next(ILogger logger, DateTimeOffset at);

        [LoggerMessage(6101, LogLevel.Information, "Report {Key} queued for {Channels} channel(s)")]
        public static partial void Queued(ILogger logger, string key, int channels);

        [LoggerMessage(6102, LogLevel.Error, "Could not queue report {Key}; a start within a day tries again")]
        public static partial void Failed(ILogger logger, Exception exception, string key);
    }
}
