using OpsFlow.Engine.Model;

namespace OpsFlow.Teams.Tests.Commands;

public sealed class ChatActorsTests
{
    [Fact]
    public async Task Upn_WhenConfigurationNamesOne_IsLookedUpOncePerUserEveryTenMinutes()
    {
        await using var chat = new ChatHarness();

        await chat.SayAsync("/runs", from: ChatHarness.ByUpn);
        await chat.SayAsync("/runs", from: ChatHarness.ByUpn);
        chat.Clock.Advance(TimeSpan.FromMinutes(9));
        await chat.SayAsync("/runs", from: ChatHarness.ByUpn);
        var cached = chat.Connector.Lookups;
        chat.Clock.Advance(TimeSpan.FromMinutes(2));
        await chat.SayAsync("/runs", from: ChatHarness.ByUpn);

        Assert.Equal(1, cached);
        Assert.Equal(2, chat.Connector.Lookups);
    }

    [Fact]
    public async Task Upn_WhenConfigurationNamesNone_IsLookedUpOnlyToDecideApprovals()
    {
        await using var chat = new ChatHarness(access: a => a.Roles["ops-manager"] = [ChatHarness.Admin]);
        var run = await chat.StartAsync("gated");
        await chat.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);

        await chat.SayAsync("/runs", from: ChatHarness.ByUpn);
        var listing = chat.Connector.Lookups;
        await chat.SayAsync($"/approve {run.Id}", from: ChatHarness.ByUpn);

        Assert.Equal(0, listing);
        Assert.Equal(1, chat.Connector.Lookups);
    }

    [Fact]
    public async Task Role_NamedByTheEntraObjectId_IsGiven()
    {
        await using var chat = new ChatHarness(access: a => a.Roles[Roles.Operator] = [ChatHarness.ObjectIdOf(ChatHarness.Viewer)]);

        await chat.SayAsync("/deploy web-app v1", from: ChatHarness.Viewer);

        Assert.Equal(ChatHarness.Viewer, Assert.Single(await chat.RunsAsync()).RequestedById);
    }

    [Fact]
    public async Task AUserIdThatSpellsAnObjectIdOrAUpn_GetsNoRoleFromIt()
    {
        // Web Chat and Direct Line let the client choose from.id: a role named by object id or UPN must not follow it.
        var boss = ChatHarness.ObjectIdOf("boss");
        await using var chat = new ChatHarness(access: a => a.Roles[Roles.Operator] = [boss, "boss@contoso.com"]);

        await chat.SayAsync("/deploy web-app v1", from: boss);
        await chat.SayAsync("/deploy web-app v1", from: "boss@contoso.com");

        Assert.Empty(await chat.RunsAsync());
    }

    [Fact]
    public async Task Upn_WhoseLookupFails_GivesNoRoleFromIt_AndIsTriedAgainAfterAMinute()
    {
        await using var chat = new ChatHarness();
        var run = await chat.StartAsync("gated");
        await chat.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);
        chat.Connector.Fails = true;

        var refused = await chat.ClickAsync("approve", run.Id, "gate", "1", ChatHarness.ByUpn);
        chat.Connector.Fails = false;
        await chat.ClickAsync("approve", run.Id, "gate", "1", ChatHarness.ByUpn);
        var stillCached = (await chat.StepAsync(run.Id, "gate")).Status;
        chat.Clock.Advance(TimeSpan.FromMinutes(2));
        await chat.ClickAsync("approve", run.Id, "gate", "1", ChatHarness.ByUpn);

        Assert.Contains("Only role:ops-manager may decide 'gate'", CardText.Of((OpsFlow.Teams.Cards.AdaptiveCard)refused.Value!), StringComparison.Ordinal);
        Assert.Equal(StepStatus.Waiting, stillCached);
        Assert.Equal(StepStatus.Succeeded, (await chat.StepAsync(run.Id, "gate")).Status);
    }
}
