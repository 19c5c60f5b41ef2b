namespace OpsFlow.Teams.Tests.Commands;

public sealed class ScheduleCommandTests
{
    [Fact]
    public async Task Schedules_OnAHostWithoutTheScheduler_SayTheyAreNotAvailable()
    {
        await using var chat = new ChatHarness();

        await chat.SayAsync("/schedules");
        var list = chat.LastText;
        await chat.SayAsync("/schedule deploy \"0 6 * * *\" web-app v1");
        var add = chat.LastText;
        await chat.SayAsync("/unschedule s-1");

        Assert.All(new[] { list, add, chat.LastText }, text => Assert.StartsWith("Schedules are not available on this host", text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Schedule_WithZoneAndArguments_AddsItForThisConversationAndShowsIt()
    {
        var schedules = new FakeSchedules();
        await using var chat = new ChatHarness(schedules);

        await chat.SayAsync("/schedule deploy \"30 6 * * 1-5\" tz=Europe/Berlin web-app v1.2 env=prod");

        var request = Assert.Single(schedules.Requests);
        Assert.Equal("deploy", request.Workflow);
        Assert.Equal("30 6 * * 1-5", request.Cron);
        Assert.Equal("Europe/Berlin", request.TimeZone);
        Assert.Equal(ChatHarness.ConversationId, request.Conversation);
        Assert.Equal(ChatHarness.Requester, request.RequestedBy.Id);
        Assert.Equal(new Dictionary<string, string?> { ["app"] = "web-app", ["version"] = "v1.2", ["env"] = "prod" }, request.Parameters);
        var text = CardText.Of(chat.LastCard);
        Assert.Contains("Schedule s-1 added", text, StringComparison.Ordinal);
        Assert.Contains("Zone: Europe/Berlin", text, StringComparison.Ordinal);
        Assert.Contains("Next: 2026-11-27 06:00 UTC", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schedule_WithoutAZone_UsesUtc()
    {
        var schedules = new FakeSchedules();
        await using var chat = new ChatHarness(schedules);

        await chat.SayAsync("/schedule deploy \"0 6 * * *\" web-app v1");

        Assert.Equal("UTC", Assert.Single(schedules.Requests).TimeZone);
    }

    [Fact]
    public async Task Schedule_WithAnUnquotedCronAndASurplusArgument_ShowsEveryProblemAndAddsNothing()
    {
        var schedules = new FakeSchedules();
        await using var chat = new ChatHarness(schedules);

        await chat.SayAsync("/schedule deploy 0 6 * * * web-app");

        Assert.Empty(schedules.Requests);
        var text = chat.LastText;
        Assert.StartsWith("The schedule was not added:", text, StringComparison.Ordinal);
        Assert.Contains("'0' is one word; a cron expression has five fields and must be quoted", text, StringComparison.Ordinal);
        Assert.Contains("parameter 'web-app': is one argument too many", text, StringComparison.Ordinal);
        Assert.Contains("Usage: `/schedule deploy \"<cron>\" [tz=Zone] <app> <version> [env=dev]`", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schedule_ThePortRefuses_ShowsItsProblems()
    {
        var schedules = new FakeSchedules();
        await using var chat = new ChatHarness(schedules);

        await chat.SayAsync("/schedule deploy \"0 6 * *\" web-app v1");
        var bad = chat.LastText;
        await chat.SayAsync("/schedule deploy \"0 6 * * *\" web-app v1", from: ChatHarness.Viewer);

        Assert.Contains("- '0 6 * *' is not a cron expression: give five fields", bad, StringComparison.Ordinal);
        Assert.Contains("Scheduling runs needs the operator role.", chat.LastText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schedule_OfAnUnknownWorkflow_AnswersWithTheHelpCard()
    {
        await using var chat = new ChatHarness(new FakeSchedules());

        await chat.SayAsync("/schedule nope \"0 6 * * *\"");

        Assert.Contains("There is no workflow 'nope' to schedule.", CardText.Of(chat.LastCard), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SchedulesAndUnschedule_ListAndRemoveWhatWasAdded()
    {
        var schedules = new FakeSchedules();
        await using var chat = new ChatHarness(schedules);
        await chat.SayAsync("/schedule deploy \"0 6 * * *\" web-app v1");

        await chat.SayAsync("/schedules");
        var listed = CardText.Of(chat.LastCard);
        await chat.SayAsync("/unschedule s-1");
        var removed = chat.LastText;
        await chat.SayAsync("/unschedule s-1");

        Assert.Contains("**s-1** · deploy", listed, StringComparison.Ordinal);
        Assert.Contains("Cron: 0 6 * * *", listed, StringComparison.Ordinal);
        Assert.Contains($"Added by: {ChatHarness.Requester}", listed, StringComparison.Ordinal);
        Assert.Contains("Arguments: app=web-app version=v1", listed, StringComparison.Ordinal);
        Assert.Equal("✓ Schedule s-1 (deploy at 0 6 * * *) is removed.", removed);
        Assert.Equal("There is no schedule 's-1'. /schedules lists them.", chat.LastText);
    }
}
