using OpsFlow.Engine.Model;

namespace OpsFlow.Teams.Tests.Commands;

public sealed class ReportAndPlanTests
{
    private static async Task<ChatHarness> WithHistoryAsync()
    {
        var chat = new ChatHarness { FlakyFails = true };
        var failed = await chat.StartAsync("flaky");
        await chat.WaitForRunAsync(failed.Id, RunStatus.Failed);
        chat.FlakyFails = false;
        for (var i = 0; i < 3; i++)
        {
            var run = await chat.StartAsync("deploy", parameters: [("app", "web-app"), ("version", $"v{i}")]);
            await chat.WaitForRunAsync(run.Id, RunStatus.Succeeded);
        }

        chat.Clock.Advance(TimeSpan.FromHours(1));
        return chat;
    }

    [Fact]
    public async Task Report_Week_ShowsSuccessRateRunsFailuresAndMostUsedWorkflows()
    {
        await using var chat = await WithHistoryAsync();

        await chat.SayAsync("/report");

        var text = CardText.Of(chat.LastCard);
        Assert.Contains("OpsFlow report: last 7 days", text, StringComparison.Ordinal);
        Assert.Contains("Runs: 4 (3 succeeded, 1 failed, 0 rolled back, 0 cancelled)", text, StringComparison.Ordinal);
        Assert.Contains("Success rate: 75%", text, StringComparison.Ordinal);
        Assert.Contains("1. flaky / work: disk full — 1×", text, StringComparison.Ordinal);
        Assert.Contains("1. deploy: 3 runs, 100% succeeded", text, StringComparison.Ordinal);
        Assert.Contains("Where the time goes", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Monthly report", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_Month_AddsTheMonthlyReportText()
    {
        await using var chat = await WithHistoryAsync();

        await chat.SayAsync("/report month");

        var text = CardText.Of(chat.LastCard);
        Assert.Contains("OpsFlow report: 2026-11", text, StringComparison.Ordinal);
        Assert.Contains("OpsFlow monthly report: November 2026", text, StringComparison.Ordinal);
        Assert.Contains("Success rate: 75%", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_MonthNamed_ReportsThatMonth_AndAMonthNotBegunIsRefusedWithAnExample()
    {
        await using var chat = await WithHistoryAsync();
        chat.Clock.Advance(TimeSpan.FromDays(40));

        await chat.SayAsync("/report month");
        Assert.Contains("Runs: 0", CardText.Of(chat.LastCard), StringComparison.Ordinal);

        await chat.SayAsync("/report month 2026-11");
        var november = CardText.Of(chat.LastCard);
        Assert.Contains("OpsFlow monthly report: November 2026", november, StringComparison.Ordinal);
        Assert.Contains("Success rate: 75%", november, StringComparison.Ordinal);

        await chat.SayAsync("/report month 2027-05");
        Assert.StartsWith("`2027-05` is not a month that has begun; write it as year-month, e.g. `/report month 2026-12`", chat.LastText, StringComparison.Ordinal);
        await chat.SayAsync("/report month last");
        Assert.StartsWith("`last` is not a month that has begun", chat.LastText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_WithABadPeriod_AnswersItsUsage()
    {
        await using var chat = new ChatHarness();

        await chat.SayAsync("/report year");

        Assert.StartsWith("Usage: `/report [week|month [YYYY-MM]]`", chat.LastText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_ResolvesTheBranchFromTheArguments_AndRunsNothing()
    {
        await using var chat = new ChatHarness();

        await chat.SayAsync("/plan deploy web-app v1.2");
        var dev = CardText.Of(chat.LastCard);
        await chat.SayAsync("/plan deploy web-app v1.2 prod");
        var prod = CardText.Of(chat.LastCard);

        Assert.Contains("gate (approval)", dev, StringComparison.Ordinal);
        Assert.Contains("wave 2 · skipped · its condition is false for these parameters", dev, StringComparison.Ordinal);
        Assert.Contains("2 step(s) run, 1 skipped", dev, StringComparison.Ordinal);
        Assert.Contains("waits for 1 approval(s) from role:ops-manager", prod, StringComparison.Ordinal);
        Assert.Contains("3 step(s) run, 0 skipped", prod, StringComparison.Ordinal);
        Assert.True(dev.IndexOf("build", StringComparison.Ordinal) < dev.IndexOf("release", StringComparison.Ordinal), "Steps in the order they start.");
        Assert.Empty(await chat.RunsAsync());
    }

    [Fact]
    public async Task Plan_WithBadArguments_AnswersTheUsageCardOfPlan()
    {
        await using var chat = new ChatHarness();

        await chat.SayAsync("/plan deploy web-app");

        var text = CardText.Of(chat.LastCard);
        Assert.Contains("**version**: is required", text, StringComparison.Ordinal);
        Assert.Contains("Usage: /plan deploy <app> <version> [env=dev]", text, StringComparison.Ordinal);
        Assert.Contains("Example: /plan deploy web-app v1.2", text, StringComparison.Ordinal);
    }
}
