using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Tests.Commands;

public sealed class HelpAndWelcomeTests
{
    [Fact]
    public async Task Help_ListsEveryWorkflowWithUsageAndEveryBuiltInCommand()
    {
        await using var chat = new ChatHarness();

        await chat.SayAsync("/help");

        var text = CardText.Of(chat.LastCard);
        Assert.Contains("/gated\nbuild, approve, ship", text, StringComparison.Ordinal);
        Assert.Contains("/deploy <app> <version> [env=dev]\n", text, StringComparison.Ordinal);
        foreach (var command in new[] { "/help [workflow]", "/runs [workflow]", "/status <run>", "/cancel <run>", "/pause <run>", "/resume <run>", "/retry <run>", "/skip <run> <step>", "/params <run> name=value", "/approve <run>", "/reject <run>", "/schedules\n", "/schedule <workflow>", "/unschedule <id>", "/report [week|month [YYYY-MM]]", "/plan <workflow>" })
        {
            Assert.Contains($"\n{command}", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Help_ForAWorkflow_ShowsEachParametersTypeRuleDefaultExampleAndItsSchedules()
    {
        await using var chat = new ChatHarness();

        await chat.SayAsync("/help deploy");

        var text = CardText.Of(chat.LastCard);
        Assert.Contains("About: the app to deploy", text, StringComparison.Ordinal);
        Assert.Contains("Rule: text matching ^[a-z][a-z0-9-]*$", text, StringComparison.Ordinal);
        Assert.Contains("Type: choice\nRule: one of dev, prod\nDefault: dev\nExample: env=dev", text, StringComparison.Ordinal);
        Assert.Contains("Default: none: required", text, StringComparison.Ordinal);
        Assert.Contains("Schedules\n0 6 * * * (Europe/Berlin) app=web-app version=v1.0\ndeclared in the script", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ForAWorkflow_OnAHostWithTheScheduler_ShowsItsSchedulesThere()
    {
        var schedules = new FakeSchedules();
        await using var chat = new ChatHarness(schedules);
        await chat.SayAsync("/schedule deploy \"0 7 * * *\" web-app v2");
        await chat.SayAsync("/schedule gated \"0 8 * * *\"");

        await chat.SayAsync("/help deploy");

        var text = CardText.Of(chat.LastCard);
        Assert.Contains($"0 7 * * * (UTC) app=web-app version=v2\ns-1, next 2026-11-27 06:00 UTC, added by {ChatHarness.Requester}", text, StringComparison.Ordinal);
        Assert.DoesNotContain("0 8 * * *", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ForAnUnknownWorkflow_SaysSoOverTheList()
    {
        await using var chat = new ChatHarness();

        await chat.SayAsync("/help nope");

        Assert.StartsWith("OpsFlow help\nThere is no workflow 'nope'.", CardText.Of(chat.LastCard), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BareMention_AnswersTheHelpCard()
    {
        await using var chat = new ChatHarness();

        await chat.SayAsync("<at>OpsFlow</at>");

        Assert.StartsWith("OpsFlow help\nWorkflows", CardText.Of(chat.LastCard), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Installed_GreetsOnce_EvenWhenTeamsAnnouncesItTwice()
    {
        await using var chat = new ChatHarness();
        var install = chat.Message(string.Empty) with { Type = ActivityTypes.InstallationUpdate, Action = "add", Text = null };
        var added = chat.Message(string.Empty) with
        {
            Type = ActivityTypes.ConversationUpdate,
            Text = null,
            MembersAdded = [new ChannelAccount { Id = ChatHarness.Requester }, new ChannelAccount { Id = ChatHarness.BotId }],
        };

        await chat.Handler.OnInstalledAsync(chat.TurnOf(install), CancellationToken.None);
        await chat.Handler.OnInstalledAsync(chat.TurnOf(added), CancellationToken.None);

        var welcome = Assert.Single(chat.Sent);
        Assert.StartsWith("OpsFlow is here. Type /help", welcome.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Installed_WithTheTwoAnnouncementsReachingTwoHosts_GreetsOnce()
    {
        var database = new OpsFlow.Chat.InMemoryChatStore();
        await using var first = new ChatHarness(chats: database);
        await using var second = new ChatHarness(chats: database);
        var install = first.Message(string.Empty) with { Type = ActivityTypes.InstallationUpdate, Action = "add", Text = null };
        var added = second.Message(string.Empty) with
        {
            Type = ActivityTypes.ConversationUpdate,
            Text = null,
            MembersAdded = [new ChannelAccount { Id = ChatHarness.BotId }],
        };

        await first.Handler.OnInstalledAsync(first.TurnOf(install), CancellationToken.None);
        await second.Handler.OnInstalledAsync(second.TurnOf(added), CancellationToken.None);

        Assert.Single(first.Sent);
        Assert.True(second.Sent.Count == 0, "the second host finds the greeting sent: " + string.Join(" | ", second.Sent.Select(s => s.Text)));
    }

    [Fact]
    public async Task Installed_InAChannel_SaysToMentionTheBot_AndOtherMembersJoiningGetNothing()
    {
        await using var chat = new ChatHarness();
        var someoneJoined = chat.Message(string.Empty, conversationType: "channel") with
        {
            Type = ActivityTypes.ConversationUpdate,
            Text = null,
            MembersAdded = [new ChannelAccount { Id = ChatHarness.Sre }],
        };
        var botAdded = someoneJoined with { MembersAdded = [new ChannelAccount { Id = ChatHarness.BotId }] };
        var uninstalled = someoneJoined with { Type = ActivityTypes.InstallationUpdate, Action = "remove", MembersAdded = null };

        await chat.Handler.OnInstalledAsync(chat.TurnOf(someoneJoined), CancellationToken.None);
        await chat.Handler.OnInstalledAsync(chat.TurnOf(uninstalled), CancellationToken.None);
        Assert.Empty(chat.Sent);
        await chat.Handler.OnInstalledAsync(chat.TurnOf(botAdded), CancellationToken.None);

        Assert.Contains("@OpsFlow /help", Assert.Single(chat.Sent).Text, StringComparison.Ordinal);
    }
}
