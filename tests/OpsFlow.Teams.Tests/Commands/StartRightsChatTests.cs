using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;

namespace OpsFlow.Teams.Tests.Commands;

/// <summary>A workflow's start rules (StartableBy) in chat: the same refusal as every other entry point, said to the person.</summary>
public sealed class StartRightsChatTests
{
    private static readonly System.Text.Json.JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public async Task Start_WithParametersOnlyAnAdminMayUse_IsRefusedInChat_AndAllowedForTheAdmin()
    {
        await using var chat = new ChatHarness();
        var purge = new WorkflowBuilder("purge").Parameter(new ParameterDefinition("keep", ParameterType.Int) { Default = "7" });
        purge.StartableBy(new StartRule(["role:admin"], "keep<2") { Source = new SourceLocation("purge.csx", 3) });
        purge.Step("delete", _ => { });
        chat.Catalog.Add(purge.Build());

        await chat.SayAsync("/purge keep=1");
        var refused = chat.LastText;
        await chat.SayAsync("/purge keep=1", from: ChatHarness.Admin);

        Assert.Contains("Starting purge with keep=1 is for role:admin only (rule at purge.csx:3)", refused, StringComparison.Ordinal);
        var run = Assert.Single(await chat.RunsAsync());
        Assert.True(run.RequestedById == ChatHarness.Admin, $"only the admin's start may create a run: {run.RequestedById}");
        await chat.WaitForRunAsync(run.Id, RunStatus.Succeeded);
    }

    [Fact]
    public async Task Help_ForAWorkflowWithStartRules_SaysWhoMayStartIt()
    {
        await using var chat = new ChatHarness();
        var purge = new WorkflowBuilder("purge").Parameter(new ParameterDefinition("keep", ParameterType.Int) { Default = "7" });
        purge.StartableBy(new StartRule(["role:admin"], "keep<2"));
        purge.Step("delete", _ => { });
        chat.Catalog.Add(purge.Build());

        await chat.SayAsync("/help purge");

        var text = System.Text.Json.JsonSerializer.Serialize(chat.LastCard, Relaxed);
        Assert.Contains("Who may start it", text, StringComparison.Ordinal);
        Assert.Contains("When keep<2", text, StringComparison.Ordinal);
        Assert.Contains("only role:admin", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("19:ops@thread.tacv2", "post their card in the default conversation, 19:ops@thread.tacv2")]
    [InlineData(null, "post no card: set OpsFlow:Teams:DefaultConversation")]
    public async Task Help_SaysWhereTheCardsOfRunsStartedOutsideChatGo(string? defaultConversation, string expected)
    {
        await using var chat = new ChatHarness(defaultConversation: defaultConversation);

        await chat.SayAsync("/help");

        Assert.Contains(expected, System.Text.Json.JsonSerializer.Serialize(chat.LastCard, Relaxed), StringComparison.Ordinal);
    }
}
