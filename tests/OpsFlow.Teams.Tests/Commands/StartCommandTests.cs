using System.Text.Json.Nodes;
using OpsFlow.Engine.Model;

namespace OpsFlow.Teams.Tests.Commands;

public sealed class StartCommandTests
{
    [Fact]
    public async Task Workflow_ByAnOperator_StartsARunWhoseCardGoesToThisConversation()
    {
        await using var chat = new ChatHarness();

        await chat.SayAsync("/deploy web-app v1.2", id: "act-7");

        var run = Assert.Single(await chat.RunsAsync());
        Assert.Equal("deploy", run.Workflow);
        Assert.Equal("chat", run.Trigger);
        Assert.Equal(ChatHarness.ConversationId, run.ReplyTo);
        Assert.Equal($"chat/{ChatHarness.ConversationId}/act-7", run.RequestId);
        Assert.Equal(new Dictionary<string, string> { ["app"] = "web-app", ["version"] = "v1.2", ["env"] = "dev" }, run.Parameters);
        Assert.Equal(ChatHarness.Requester, run.RequestedById);
        Assert.True(chat.Sent.Count == 0, "A started run is answered by its run card, not by a chat message.");
    }

    [Fact]
    public async Task Workflow_NamedValuesInAnyOrder_AreBoundByName()
    {
        await using var chat = new ChatHarness();

        await chat.SayAsync("deploy env=prod version=v2 app=api");

        var run = Assert.Single(await chat.RunsAsync());
        Assert.Equal("api", run.Parameters["app"]);
        Assert.Equal("v2", run.Parameters["version"]);
        Assert.Equal("prod", run.Parameters["env"]);
    }

    [Fact]
    public async Task Workflow_InAChannelWithAMention_StartsTheSameWay()
    {
        await using var chat = new ChatHarness();
        var mention = new JsonObject
        {
            ["type"] = "mention",
            ["text"] = "<at>OpsFlow</at>",
            ["mentioned"] = new JsonObject { ["id"] = ChatHarness.BotId, ["name"] = "OpsFlow" },
        };

        await chat.SendAsync(chat.Message("<at>OpsFlow</at> /DEPLOY web-app v1.2 prod", conversationType: "channel", entities: [mention]));

        var run = Assert.Single(await chat.RunsAsync());
        Assert.Equal("prod", run.Parameters["env"]);
    }

    [Fact]
    public async Task Workflow_TheSameActivityTwice_StartsOneRunAndSaysNothing()
    {
        await using var chat = new ChatHarness();

        await chat.SayAsync("/deploy web-app v1.2", id: "act-1");
        await chat.SayAsync("/deploy web-app v1.2", id: "act-1");

        Assert.Single(await chat.RunsAsync());
        Assert.Empty(chat.Sent);
    }

    [Fact]
    public async Task Workflow_ByAViewer_IsRefusedNamingTheRoleNeeded()
    {
        await using var chat = new ChatHarness();

        await chat.SayAsync("/deploy web-app v1.2", from: ChatHarness.Viewer);

        Assert.Empty(await chat.RunsAsync());
        Assert.Contains("operator role", chat.LastText, StringComparison.Ordinal);
        Assert.Contains("admin", chat.LastText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Workflow_ByAGroupMember_HasTheGroupsRole()
    {
        await using var chat = new ChatHarness();

        await chat.SayAsync("/deploy web-app v1.2", from: ChatHarness.Sre);

        Assert.Equal(ChatHarness.Sre, Assert.Single(await chat.RunsAsync()).RequestedById);
    }

    [Fact]
    public async Task Workflow_WithABadValue_AnswersAUsageCardNamingTheParameterRuleAndExample()
    {
        await using var chat = new ChatHarness();

        await chat.SayAsync("/deploy web-app 1.2 qa");

        Assert.Empty(await chat.RunsAsync());
        var text = CardText.Of(chat.LastCard);
        Assert.Contains("**version**: must match ^v\\d+(\\.\\d+)*$, got '1.2'", text, StringComparison.Ordinal);
        Assert.Contains("Example: version=v1.2", text, StringComparison.Ordinal);
        Assert.Contains("**env**: must be one of dev, prod, got 'qa'", text, StringComparison.Ordinal);
        Assert.Contains("Usage: /deploy <app> <version> [env=dev]", text, StringComparison.Ordinal);
        Assert.Contains("Example: /deploy web-app v1.2", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Workflow_MissingAndSurplusArguments_AreAllNamedAtOnce()
    {
        await using var chat = new ChatHarness();

        await chat.SayAsync("/deploy web-app v1 prod extra");
        var surplus = CardText.Of(chat.LastCard);
        await chat.SayAsync("/deploy");
        var missing = CardText.Of(chat.LastCard);

        Assert.Contains("**extra**: is one argument too many", surplus, StringComparison.Ordinal);
        Assert.Contains("**app**: is required", missing, StringComparison.Ordinal);
        Assert.Contains("**version**: is required", missing, StringComparison.Ordinal);
        Assert.Contains("Rule: text matching ^[a-z][a-z0-9-]*$", missing, StringComparison.Ordinal);
        Assert.Empty(await chat.RunsAsync());
    }

    [Fact]
    public async Task Workflow_UnknownName_AnswersUnknownCommandWithTheHelpCard()
    {
        await using var chat = new ChatHarness();

        await chat.SayAsync("/deploi web-app");

        var text = CardText.Of(chat.LastCard);
        Assert.Contains("Unknown command '/deploi'", text, StringComparison.Ordinal);
        Assert.Contains("/deploy <app> <version> [env=dev]\nbuild, approve in prod, release", text, StringComparison.Ordinal);
        Assert.Contains("/runs [workflow] [status]\nthe 10 most recent runs", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Workflow_WhoseLockIsHeld_IsRefusedNamingHolderRequesterAndKey()
    {
        await using var chat = new ChatHarness();
        var holder = await chat.StartAsync("deploy", ChatHarness.Admin, ("app", "web-app"), ("version", "v1"), ("env", "prod"));
        await chat.WaitForRunAsync(holder.Id, RunStatus.WaitingForApproval);

        await chat.SayAsync("/deploy web-app v2");

        Assert.Single(await chat.RunsAsync());
        var text = chat.LastText;
        Assert.Contains($"run {holder.Id}", text, StringComparison.Ordinal);
        Assert.Contains($"requested by Person {ChatHarness.Admin}", text, StringComparison.Ordinal);
        Assert.Contains("lock 'deploy'", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Workflow_WhoseLockQueues_SaysItWaitsForTheHolder()
    {
        await using var chat = new ChatHarness();
        var holder = await chat.StartAsync("queued");
        await chat.WaitForRunAsync(holder.Id, RunStatus.WaitingForApproval);

        await chat.SayAsync("/queued");

        var queued = (await chat.RunsAsync()).Single(r => r.Id != holder.Id);
        Assert.Equal(RunStatus.Pending, queued.Status);
        Assert.Contains($"Run {queued.Id} of queued is queued: run {holder.Id} holds its lock 'queue'", chat.LastText, StringComparison.Ordinal);
    }
}
