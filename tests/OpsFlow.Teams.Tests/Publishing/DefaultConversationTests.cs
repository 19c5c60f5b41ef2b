using OpsFlow.Engine.Model;
using static OpsFlow.Teams.Tests.Publishing.RunCardPublisherTests;

namespace OpsFlow.Teams.Tests.Publishing;

/// <summary>
/// Runs not started in chat (API, dashboard, CLI, a schedule without a conversation) post their card in the default
/// conversation (issue 20, item 1), so their approvals are seen.
/// </summary>
public sealed class DefaultConversationTests
{
    private static readonly TimeSpan S = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task ARunStartedOverTheApi_PostsItsCardInTheDefaultConversation_NamedInConfiguration()
    {
        var h = new PublisherHarness(new TeamsOptions { DefaultConversation = "ops", Conversations = { ["ops"] = "19:ops@thread.tacv2" } });
        await h.ConversationAsync("19:ops@thread.tacv2");

        await h.CreateRunAsync("r-api", replyTo: null, trigger: "api");
        await h.AdvanceAsync(S);

        var posted = Assert.Single(CardCalls(h));
        Assert.True(posted is { Kind: "Send", ConversationId: "19:ops@thread.tacv2" }, $"the card goes to the default conversation: {posted.Kind} in {posted.ConversationId}");
    }

    [Fact]
    public async Task ARunStartedInChat_StaysInItsConversation_AndWithoutADefault_ARunFromElsewherePostsNothing()
    {
        var withDefault = new PublisherHarness(new TeamsOptions { DefaultConversation = "19:ops@thread.tacv2" });
        await withDefault.ConversationAsync("19:ops@thread.tacv2");
        await withDefault.ConversationAsync("conv-1");
        await withDefault.CreateRunAsync("r-chat", "conv-1");
        await withDefault.AdvanceAsync(S);
        var without = new PublisherHarness();
        await without.ConversationAsync("19:ops@thread.tacv2");
        await without.CreateRunAsync("r-api", replyTo: null, trigger: "api");
        await without.AdvanceAsync(S);

        Assert.Equal("conv-1", Assert.Single(CardCalls(withDefault)).ConversationId);
        Assert.Empty(CardCalls(without));
    }

    [Fact]
    public void HomeOf_PrefersTheRunsOwnConversation_ThenTheDefault()
    {
        var options = new TeamsOptions { DefaultConversation = "ops", Conversations = { ["ops"] = "19:ops", ["night"] = "19:night" } };
        var run = new RunRecord
        {
            Id = "r", Workflow = "w", Status = RunStatus.Pending, Parameters = new Dictionary<string, string>(), RequestedById = "a", RequestedByName = "A",
            Trigger = "api", CreatedAt = PublisherHarness.T0,
        };

        Assert.Equal("19:ops", options.HomeOf(run));
        Assert.Equal("19:night", options.HomeOf(run with { ReplyTo = "night" }));
        Assert.Null(new TeamsOptions().HomeOf(run));
    }
}
