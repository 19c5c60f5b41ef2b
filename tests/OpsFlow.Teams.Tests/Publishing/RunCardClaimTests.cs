using OpsFlow.Engine.Model;
using OpsFlow.Teams.Cards;
using OpsFlow.Teams.Connector;

namespace OpsFlow.Teams.Tests.Publishing;

/// <summary>The claim before a run's first card: a claim a dead process left, and this process's own after a failed POST.</summary>
public sealed class RunCardClaimTests
{
    private static readonly TimeSpan S = TimeSpan.FromSeconds(1);

    private static ConnectorCall[] CardCalls(PublisherHarness h) => RunCardPublisherTests.CardCalls(h);

    private static AdaptiveCard Card(ConnectorCall call) =>
        call.Activity.Attachments is [{ Content: AdaptiveCard card }] ? card : throw new InvalidOperationException($"{call.Kind} carried no card");

    private static bool SaysItReplacesOne(ConnectorCall call) =>
        Card(call).Body.OfType<TextBlock>().Any(t => t.Text == RunCardBuilder.ReplacementLine);

    [Fact]
    public async Task ClaimLeftByADeadProcess_IsWaitedOut_ThenTheNewCardSaysItReplacesTheOlderOne_InEveryWrite()
    {
        var h = new PublisherHarness();
        await h.ConversationAsync("conv-1");
        await h.CreateRunAsync("r-1", "conv-1");
        // The previous process claimed the first card, maybe posted it, and died before it saved the card's id.
        Assert.True(await h.Chats.TryClaimRunCardAsync("r-1", "conv-1", h.Clock.GetUtcNow(), h.Clock.GetUtcNow() - (30 * S)));
        h.Restart();
        await h.SetStatusAsync("r-1", RunStatus.Running);

        await h.AdvanceAsync(20 * S);
        Assert.True(CardCalls(h).Length == 0, "while the dead process's claim is fresh, it might still be a live host posting");

        await h.AdvanceAsync(15 * S);
        var posted = Assert.Single(CardCalls(h));
        Assert.Equal("Send", posted.Kind);
        var line = Assert.IsType<TextBlock>(Card(posted).Body[0]);
        Assert.Equal((RunCardBuilder.ReplacementLine, true, "small"), (line.Text, line.IsSubtle, line.Size));
        Assert.Equal(posted.ActivityId, (await h.Chats.GetRunCardAsync("r-1"))?.ActivityId);

        await h.SetStatusAsync("r-1", RunStatus.Succeeded);
        await h.AdvanceAsync(5 * S);
        var last = CardCalls(h)[^1];
        Assert.Equal(("Update", posted.ActivityId), (last.Kind, last.ActivityId));
        Assert.True(SaysItReplacesOne(last), "every write of the replacing card keeps saying which card is live");
        Assert.Single(CardCalls(h), c => c.Kind == "Send");
    }

    [Fact]
    public async Task FirstCardOfARun_AndACardWhoseIdWasSaved_DoNotSayTheyReplaceOne()
    {
        var h = new PublisherHarness();
        await h.ConversationAsync("conv-1");
        await h.CreateRunAsync("r-1", "conv-1");
        await h.AdvanceAsync(S);
        h.Restart();

        await h.SetStatusAsync("r-1", RunStatus.Succeeded);
        await h.AdvanceAsync(40 * S);

        var calls = CardCalls(h);
        Assert.Equal(["Send", "Update"], calls.Select(c => c.Kind));
        Assert.DoesNotContain(calls, SaysItReplacesOne);
    }

    [Fact]
    public async Task FailedFirstPost_IsPostedAgainUnderItsOwnClaim_WithoutWaitingForTheClaimToLapse()
    {
        var h = new PublisherHarness();
        await h.ConversationAsync("conv-1");
        var failures = 0;
        h.Connector.OnCall = kind =>
        {
            if (kind == "Send" && failures++ == 0)
            {
                throw new ConnectorException("service unavailable", 503);
            }
        };
        await h.CreateRunAsync("r-1", "conv-1");

        await h.AdvanceAsync(5 * S);

        var posted = Assert.Single(CardCalls(h));
        Assert.True(failures == 2, $"the first POST failed and the retry after its backoff went through ({failures} attempts)");
        Assert.False(SaysItReplacesOne(posted), "this process knows its own POST failed: no card is left behind");
        Assert.Equal(posted.ActivityId, (await h.Chats.GetRunCardAsync("r-1"))?.ActivityId);
    }
}
