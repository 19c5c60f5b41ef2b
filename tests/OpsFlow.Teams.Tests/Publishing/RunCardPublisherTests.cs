using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Teams.Cards;
using OpsFlow.Teams.Connector;

namespace OpsFlow.Teams.Tests.Publishing;

public sealed class RunCardPublisherTests
{
    private static readonly TimeSpan S = TimeSpan.FromSeconds(1);

    internal static string CardText(ConnectorCall call) =>
        call.Activity.Attachments is [{ Content: AdaptiveCard card }] ? CardJson.Serialize(card) : throw new InvalidOperationException($"{call.Kind} carried no card");

    internal static ConnectorCall[] CardCalls(PublisherHarness h, string? conversation = null) =>
        [.. h.Connector.Calls.Where(c => c.Activity.Attachments is { Count: > 0 } && (conversation is null || c.ConversationId == conversation))];

    [Fact]
    public async Task Changes_PostTheCardOnce_ThenUpdateItInPlaceWithTheStoredId()
    {
        var h = new PublisherHarness();
        await h.ConversationAsync("conv-1");
        await h.CreateRunAsync("r-1", "conv-1");
        Assert.Empty(h.Connector.Calls);

        await h.AdvanceAsync(S);
        await h.SetStatusAsync("r-1", RunStatus.Running);
        await h.AdvanceAsync(2 * S);
        await h.ChangeAsync("r-1", r => r, ("build", s => s with { Status = StepStatus.Running, Attempt = 1, StartedAt = h.Clock.GetUtcNow() }));
        await h.AdvanceAsync(2 * S);

        var calls = CardCalls(h);
        Assert.Equal(["Send", "Update", "Update"], calls.Select(c => c.Kind));
        Assert.All(calls, c => Assert.Equal("activity-1", c.ActivityId));
        Assert.Equal("activity-1", (await h.Chats.GetRunCardAsync("r-1"))?.ActivityId);
        Assert.Contains("attempt 1/3", CardText(calls[^1]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChangeThatOnlyRecordsARefusal_DoesNotRewriteTheCard_SoTheRefusalNoticeStays()
    {
        var h = new PublisherHarness();
        await h.ConversationAsync("conv-1");
        var run = await h.CreateRunAsync("r-1", "conv-1");
        await h.AdvanceAsync(2 * S);
        var before = CardCalls(h).Length;

        // What the engine announces when it refuses a click: no step changed, one audit entry.
        var refusal = new HistoryEntry("r-1", 2, h.Clock.GetUtcNow(), HistoryKind.Audit, "user-id-0", "prod-approval", null, null, "refused: four-eyes");
        await h.Publisher.OnRunChangedAsync(new RunChanged(run, [], [refusal]));
        await h.AdvanceAsync(5 * S);
        Assert.True(CardCalls(h).Length == before, "a refused click changes nothing the card shows; rewriting it would replace the refusal notice the person was just shown");

        await h.SetStatusAsync("r-1", RunStatus.Running);
        await h.AdvanceAsync(2 * S);
        Assert.True(CardCalls(h).Length == before + 1, "a real change still updates the card");
    }

    [Fact]
    public async Task FirstCard_IsPostedWithoutWaiting()
    {
        var h = new PublisherHarness();
        await h.ConversationAsync("conv-1");
        await h.CreateRunAsync("r-1", "conv-1");

        await h.AdvanceAsync(TimeSpan.Zero);

        Assert.True(CardCalls(h).Length == 1, "the first card answers the command at once; only later updates are coalesced");
    }

    [Fact]
    public async Task TwoHundredRapidChanges_AreCoalescedIntoFewUpdates_AndTheFinalStateShowsWithinTwoSeconds()
    {
        var h = new PublisherHarness();
        await h.ConversationAsync("conv-1");
        await h.CreateRunAsync("r-1", "conv-1");
        await h.SetStatusAsync("r-1", RunStatus.Running);
        for (var i = 0; i < 200; i++)
        {
            var percent = i / 2;
            await h.ChangeAsync("r-1", r => r, ("build", s => s with { Status = StepStatus.Running, Attempt = 1, ProgressPercent = percent, ProgressText = $"item {i}" }));
            await h.AdvanceAsync(TimeSpan.FromMilliseconds(25));
        }

        await h.ChangeAsync("r-1", r => r with { Status = RunStatus.Succeeded, EndedAt = h.Clock.GetUtcNow() }, ("build", s => s with { Status = StepStatus.Succeeded }));
        var finishedAt = h.Clock.GetUtcNow();
        await h.AdvanceAsync(5 * S);

        var calls = CardCalls(h);
        Assert.True(calls.Length <= 8, $"200 changes over 5 s should coalesce into a handful of card writes, not {calls.Length}");
        var last = calls[^1];
        Assert.Contains("Succeeded", CardText(last), StringComparison.Ordinal);
        Assert.True(last.At - finishedAt <= 2 * S, $"the final state showed {last.At - finishedAt} after the run ended");
        Assert.Equal(1, calls.Count(c => c.Kind == "Send"));
    }

    [Fact]
    public async Task TenBusyRunsInOneConversation_NeverExceedTeamsSlidingWindows()
    {
        var h = new PublisherHarness();
        await h.ConversationAsync("conv-1");
        var ids = Enumerable.Range(0, 10).Select(i => $"r-{i}").ToArray();
        foreach (var id in ids)
        {
            await h.CreateRunAsync(id, "conv-1");
            await h.SetStatusAsync(id, RunStatus.Running);
        }

        for (var tick = 0; tick < 400; tick++)
        {
            foreach (var id in ids)
            {
                var percent = tick % 100;
                await h.ChangeAsync(id, r => r, ("build", s => s with { Status = StepStatus.Running, Attempt = 1, ProgressPercent = percent }));
            }

            await h.AdvanceAsync(TimeSpan.FromMilliseconds(100));
        }

        foreach (var id in ids)
        {
            await h.SetStatusAsync(id, RunStatus.Succeeded);
        }

        await h.AdvanceAsync(60 * S);

        var times = h.Connector.Calls.Where(c => c.ConversationId == "conv-1").Select(c => c.At).Order().ToArray();
        Assert.True(times.Length > 60, $"the runs should have kept their cards busy, only {times.Length} calls");
        // Teams' per-conversation limits (docs/product.md §7), written out here so a wrong constant in the code cannot pass.
        foreach (var (window, limit) in new[] { (S, 7), (2 * S, 8), (30 * S, 60) })
        {
            var worst = times.Max(t => times.Count(u => u >= t && u < t + window));
            Assert.True(worst <= limit, $"{worst} operations within {window}, Teams allows {limit}");
        }

        foreach (var id in ids)
        {
            var card = await h.Chats.GetRunCardAsync(id);
            var last = CardCalls(h).Last(c => c.ActivityId == card?.ActivityId);
            Assert.True(CardText(last).Contains("Succeeded", StringComparison.Ordinal), $"run {id}'s card should end Succeeded");
        }
    }

    [Fact]
    public async Task RunWithoutReplyTo_MakesNoConnectorCalls()
    {
        var h = new PublisherHarness();
        await h.ConversationAsync("conv-1");
        await h.CreateRunAsync("r-1", replyTo: null);
        await h.SetStatusAsync("r-1", RunStatus.Running);
        await h.SetStatusAsync("r-1", RunStatus.Succeeded);

        await h.AdvanceAsync(10 * S);

        Assert.Empty(h.Connector.Calls);
    }

    [Fact]
    public async Task RunInAConversationNobodyTalkedIn_IsSkippedWithoutCalls()
    {
        var h = new PublisherHarness();
        await h.CreateRunAsync("r-1", "conv-unknown");
        await h.SetStatusAsync("r-1", RunStatus.Running);

        await h.AdvanceAsync(10 * S);

        Assert.Empty(h.Connector.Calls);
    }

    [Fact]
    public async Task ConfiguredConversationName_ResolvesToItsId()
    {
        var h = new PublisherHarness(new TeamsOptions { Conversations = { ["ops"] = "conv-ops" } });
        await h.ConversationAsync("conv-ops");
        await h.CreateRunAsync("r-1", "ops");

        await h.AdvanceAsync(2 * S);

        Assert.Equal("conv-ops", Assert.Single(h.Connector.Calls).ConversationId);
    }

    [Fact]
    public async Task FailedUpdate_KeepsTheRunDirty_AndALaterUpdateShowsTheLatestState()
    {
        var h = new PublisherHarness();
        await h.ConversationAsync("conv-1");
        await h.CreateRunAsync("r-1", "conv-1");
        await h.AdvanceAsync(S);
        var failures = 0;
        h.Connector.OnCall = kind =>
        {
            if (kind == "Update" && failures++ < 2)
            {
                throw new ConnectorException("service unavailable", 503);
            }
        };

        await h.SetStatusAsync("r-1", RunStatus.Running);
        await h.AdvanceAsync(S);
        await h.SetStatusAsync("r-1", RunStatus.Succeeded);
        await h.AdvanceAsync(30 * S);

        Assert.True(failures >= 3, $"two updates failed, then one should have gone through ({failures} attempts)");
        var last = CardCalls(h)[^1];
        Assert.Equal("Update", last.Kind);
        Assert.Contains("Succeeded", CardText(last), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostAsync_MakesTheNewCardTheOneKeptUpToDate()
    {
        var h = new PublisherHarness();
        await h.ConversationAsync("conv-1");
        var other = await h.ConversationAsync("conv-2");
        await h.CreateRunAsync("r-1", "conv-1");
        await h.AdvanceAsync(S);

        // The conversation's loop posts it in its turn: the pump stands in for the loop here.
        var posting = h.Publisher.PostAsync("r-1", other);
        await h.AdvanceAsync(TimeSpan.Zero);
        await posting;
        await h.SetStatusAsync("r-1", RunStatus.Running);
        await h.AdvanceAsync(2 * S);

        var stored = await h.Chats.GetRunCardAsync("r-1");
        Assert.Equal(("conv-2", "activity-2"), (stored?.ConversationId, stored?.ActivityId));
        var last = CardCalls(h)[^1];
        Assert.Equal(("Update", "conv-2", "activity-2"), (last.Kind, last.ConversationId, last.ActivityId));
    }

    [Fact]
    public async Task RenderAsync_PutsTheNoticeFirst_AndIsNullForAnUnknownRun()
    {
        var h = new PublisherHarness();
        await h.CreateRunAsync("r-1", null);

        var card = await h.Publisher.RenderAsync("r-1", "You already approved this.");

        var notice = Assert.IsType<TextBlock>(card?.Body[0]);
        Assert.Equal(("You already approved this.", "attention"), (notice.Text, notice.Color));
        Assert.Null(await h.Publisher.RenderAsync("nope", null));
    }
}
