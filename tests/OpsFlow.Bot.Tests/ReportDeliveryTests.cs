using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Engine.Reports;
using OpsFlow.Notifications;

namespace OpsFlow.Bot.Tests;

/// <summary>The weekly digest and the monthly report, posted by schedule through the notice outbox (issue 23, item 4).</summary>
public sealed class ReportDeliveryTests
{
    // Sunday evening: the ISO week 2026-W49 (30 November to 6 December) is about to end.
    private static readonly DateTimeOffset Sunday = new(2026, 12, 6, 20, 0, 0, TimeSpan.Zero);

    private readonly InMemoryRunStore _store = new();
    private readonly RecordingOutbox _outbox = new();
    private readonly InMemoryWorkflowCatalog _catalog = new();

    public ReportDeliveryTests()
    {
        _catalog.Add(Workflow("deploy", manualMinutes: 45));
        _catalog.Add(Workflow("backup", manualMinutes: null));
    }

    [Fact]
    public async Task OnMondayAtEight_TheWeekThatEnded_GoesToEveryReportChannelOnce_WithTheManualWorkSaved()
    {
        await SeedAsync(Sunday.AddDays(-3));
        var clock = new WatchedClock(Sunday);
        var options = Options(monthly: false, routes: [new NoticeRoute { Levels = [NoticeLevel.Info, NoticeLevel.Error], To = ["email:team"] }, new NoticeRoute { Levels = [NoticeLevel.Error], To = ["webhook:pager"] }]);
        using var delivery = Delivery(options, clock);
        await delivery.StartAsync(CancellationToken.None);
        // Time moves only once the delivery waits for Monday 08:00: moved before, the wait would start from the new time.
        Assert.Equal(TimeSpan.FromHours(12), await clock.WaitForTimerAsync(_ => true));

        clock.Advance(new DateTimeOffset(2026, 12, 7, 7, 59, 0, TimeSpan.Zero) - clock.GetUtcNow());
        Assert.True(_outbox.Enqueued.IsEmpty, "nothing is due before Monday 08:00");
        clock.Advance(TimeSpan.FromMinutes(1));
        await _outbox.Added.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await delivery.StopAsync(CancellationToken.None);

        var sent = _outbox.Enqueued.ToArray();
        Assert.Equal(["email:team", "teams:ops"], sent.Select(d => d.Channel).Order(StringComparer.Ordinal));
        Assert.All(sent, d => Assert.Equal(("report:week:2026-W49", NoticeLevel.Info, "OpsFlow weekly digest 2026-W49"), (d.Key, d.Level, d.Subject)));
        var text = sent[0].Text;
        Assert.Contains("OpsFlow weekly digest: 2026-W49 (30 Nov to 6 Dec 2026)", text, StringComparison.Ordinal);
        Assert.Contains("Runs: 5 (4 succeeded, 1 failed", text, StringComparison.Ordinal);
        Assert.Contains("About 2 h 15 min: deploy 3 × 45 min", text, StringComparison.Ordinal);
        Assert.Contains("Not counted (no ManualMinutes): backup", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnTheFirstAtEightInBerlin_TheMonthThatEnded_IsQueued()
    {
        await SeedAsync(new DateTimeOffset(2026, 12, 15, 9, 0, 0, TimeSpan.Zero));
        var clock = new WatchedClock(new DateTimeOffset(2026, 12, 31, 12, 0, 0, TimeSpan.Zero));
        var options = Options(weekly: false, zone: "Europe/Berlin");
        using var delivery = Delivery(options, clock);
        await delivery.StartAsync(CancellationToken.None);
        Assert.Equal(TimeSpan.FromHours(19), await clock.WaitForTimerAsync(_ => true));

        // 08:00 in Berlin on 1 January is 07:00 UTC.
        clock.Advance(new DateTimeOffset(2027, 1, 1, 7, 0, 0, TimeSpan.Zero) - clock.GetUtcNow());
        await _outbox.Added.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await delivery.StopAsync(CancellationToken.None);

        var sent = Assert.Single(_outbox.Enqueued);
        Assert.Equal(("report:month:2026-12", "teams:ops"), (sent.Key, sent.Channel));
        Assert.Contains("OpsFlow monthly report: December 2026", sent.Text, StringComparison.Ordinal);
        Assert.Contains("About 2 h 15 min", sent.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHostDownAtEight_SendsTheDigestWhenItStartsThatDay_ButNotDaysLater()
    {
        var options = Options(monthly: false);
        using (var late = Delivery(options, new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero))))
        {
            await late.StartAsync(CancellationToken.None);
            await _outbox.Added.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await late.StopAsync(CancellationToken.None);
        }

        Assert.Equal("report:week:2026-W49", Assert.Single(_outbox.Enqueued).Key);

        var later = new RecordingOutbox();
        using var wednesday = new ReportDelivery(options, new InMemoryRunReports(_store), _catalog, later, new DeliverySignal(), new FakeTimeProvider(new DateTimeOffset(2026, 12, 9, 10, 0, 0, TimeSpan.Zero)), NullLogger<ReportDelivery>.Instance);
        await wednesday.StartAsync(CancellationToken.None);
        await wednesday.StopAsync(CancellationToken.None);
        Assert.True(later.Enqueued.IsEmpty, "two days late, the digest is old news");
    }

    [Theory]
    [InlineData("2026-12-05T12:00:00Z", "2026-12-07T07:00:00Z")] // CET, UTC+1
    [InlineData("2027-03-27T12:00:00Z", "2027-03-29T06:00:00Z")] // CEST since 28 March, UTC+2
    [InlineData("2026-12-07T06:59:00Z", "2026-12-07T07:00:00Z")] // Monday, a minute before
    [InlineData("2026-12-07T07:00:00Z", "2026-12-14T07:00:00Z")] // Monday, at the time: the next week's
    public void NextWeekly_IsMondayAtTheTimeInTheZone_AcrossSummerTime(string now, string expected)
    {
        using var delivery = Delivery(Options(zone: "Europe/Berlin"), new FakeTimeProvider());

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), delivery.NextWeekly(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void WeekNames_AreIso_AcrossTheYearsEnd()
    {
        var week = WeeklyDigest.Week(new DateTimeOffset(2027, 1, 1, 12, 0, 0, TimeSpan.Zero));

        Assert.Equal(new DateTimeOffset(2026, 12, 28, 0, 0, 0, TimeSpan.Zero), week.From);
        Assert.Equal("2026-W53", WeeklyDigest.Name(week));
    }

    private static NotificationOptions Options(bool weekly = true, bool monthly = true, string zone = "UTC", List<NoticeRoute>? routes = null) =>
        new() { Routes = routes ?? [], Reports = new ReportOptions { Weekly = weekly, Monthly = monthly, TimeZone = zone, To = ["teams:ops"] } };

    private ReportDelivery Delivery(NotificationOptions options, TimeProvider clock) =>
        new(options, new InMemoryRunReports(_store), _catalog, _outbox, new DeliverySignal(), clock, NullLogger<ReportDelivery>.Instance);

    /// <summary>Three deploys that succeeded and one that failed, one backup that succeeded.</summary>
    private async Task SeedAsync(DateTimeOffset at)
    {
        for (var i = 0; i < 3; i++)
        {
            await SeededRuns.FinishedAsync(_store, $"d{i}", "deploy", at.AddHours(i), RunStatus.Succeeded, 60, StepStatus.Succeeded, null);
        }

        await SeededRuns.FinishedAsync(_store, "d9", "deploy", at.AddHours(4), RunStatus.Failed, 30, StepStatus.Failed, "HTTP 503");
        await SeededRuns.FinishedAsync(_store, "b1", "backup", at.AddHours(5), RunStatus.Succeeded, 120, StepStatus.Succeeded, null);
    }

    private static WorkflowDefinition Workflow(string name, int? manualMinutes)
    {
        var builder = new WorkflowBuilder(name);
        if (manualMinutes is { } minutes)
        {
            builder.ManualMinutes(minutes);
        }

        builder.Step("work", _ => { });
        return builder.Build();
    }
}
