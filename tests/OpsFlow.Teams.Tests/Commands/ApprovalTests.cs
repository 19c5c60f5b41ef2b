using OpsFlow.Engine.Model;
using OpsFlow.Teams.Cards;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Tests.Commands;

public sealed class ApprovalTests
{
    private static async Task<(ChatHarness Chat, string RunId)> WaitingAsync()
    {
        var chat = new ChatHarness();
        var run = await chat.StartAsync("gated");
        await chat.WaitForStepAsync(run.Id, "gate", StepStatus.Waiting);
        return (chat, run.Id);
    }

    private static string Notice(InvokeResponse response)
    {
        Assert.Equal(InvokeResponse.CardType, response.Type);
        var card = Assert.IsType<AdaptiveCard>(response.Value);
        return card.Body.OfType<TextBlock>().SingleOrDefault(t => t.Id == "notice")?.Text ?? string.Empty;
    }

    [Fact]
    public async Task Approve_ByAnApprover_DecidesAndAnswersTheCurrentCardWithoutNotice()
    {
        var (chat, runId) = await WaitingAsync();
        await using var _ = chat;

        var response = await chat.ClickAsync("approve", runId, "gate", "1", ChatHarness.Admin);

        Assert.Equal(string.Empty, Notice(response));
        Assert.Equal(StepStatus.Succeeded, (await chat.StepAsync(runId, "gate")).Status);
        Assert.Equal([runId], chat.Cards.Refreshed);
        await chat.WaitForRunAsync(runId, RunStatus.Succeeded);
    }

    [Fact]
    public async Task Approve_ByAnApproverKnownByUpn_IsAllowed()
    {
        var (chat, runId) = await WaitingAsync();
        await using var _ = chat;

        var response = await chat.ClickAsync("approve", runId, "gate", "1", ChatHarness.ByUpn);

        Assert.Equal(string.Empty, Notice(response));
        Assert.Equal(StepStatus.Succeeded, (await chat.StepAsync(runId, "gate")).Status);
    }

    [Fact]
    public async Task Approve_BySomeoneNotAllowed_IsRefusedWithTheReasonAndRecorded()
    {
        var (chat, runId) = await WaitingAsync();
        await using var _ = chat;

        var response = await chat.ClickAsync("approve", runId, "gate", "1", ChatHarness.Viewer);

        Assert.Contains("Only role:ops-manager may decide 'gate'", Notice(response), StringComparison.Ordinal);
        Assert.Equal(StepStatus.Waiting, (await chat.StepAsync(runId, "gate")).Status);
        Assert.Contains(await chat.Store.GetHistoryAsync(runId), h => h.Kind == HistoryKind.Audit && h.Reason.StartsWith("refused approve", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Approve_ByTheRequester_IsRefusedByTheFourEyesRule()
    {
        await using var chat = new ChatHarness();
        var run = await chat.StartAsync("gated", ChatHarness.Sre);
        await chat.WaitForStepAsync(run.Id, "gate", StepStatus.Waiting);

        var response = await chat.ClickAsync("approve", run.Id, "gate", "1", ChatHarness.Sre);

        Assert.Contains("four-eyes", Notice(response), StringComparison.Ordinal);
        Assert.Equal(StepStatus.Waiting, (await chat.StepAsync(run.Id, "gate")).Status);
    }

    [Fact]
    public async Task Approve_ClickedTwice_RefusesTheSecondAsOutOfDate()
    {
        var (chat, runId) = await WaitingAsync();
        await using var _ = chat;

        await chat.ClickAsync("approve", runId, "gate", "1", ChatHarness.Admin);
        var second = await chat.ClickAsync("reject", runId, "gate", "1", ChatHarness.Sre);

        Assert.Contains("This card is out of date: 'gate' is succeeded now", Notice(second), StringComparison.Ordinal);
        Assert.Equal(StepStatus.Succeeded, (await chat.StepAsync(runId, "gate")).Status);
        Assert.DoesNotContain(await chat.Store.GetHistoryAsync(runId), h => h.Reason.Contains("rejected", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Approve_OnACardOfAnotherRound_ChangesNothingAndSendsTheEngineNothing()
    {
        var (chat, runId) = await WaitingAsync();
        await using var _ = chat;
        var before = await chat.Store.GetHistoryAsync(runId);

        var response = await chat.ClickAsync("approve", runId, "gate", "3", ChatHarness.Admin);

        Assert.Contains("This card is out of date: it shows round 3 of 'gate', which now waits in round 1", Notice(response), StringComparison.Ordinal);
        Assert.Equal(StepStatus.Waiting, (await chat.StepAsync(runId, "gate")).Status);
        Assert.Equal(before.Count, (await chat.Store.GetHistoryAsync(runId)).Count);
    }

    [Fact]
    public async Task Approve_AfterTheApprovalTimedOut_IsRefusedAsOutOfDate()
    {
        var (chat, runId) = await WaitingAsync();
        await using var _ = chat;

        chat.Clock.Advance(TimeSpan.FromHours(25));
        await chat.WaitForStepAsync(runId, "gate", StepStatus.TimedOut);
        var response = await chat.ClickAsync("approve", runId, "gate", "1", ChatHarness.Admin);

        Assert.Contains("'gate' is timed out now", Notice(response), StringComparison.Ordinal);
        Assert.Equal(StepStatus.TimedOut, (await chat.StepAsync(runId, "gate")).Status);
    }

    [Fact]
    public async Task Reject_WithAReasonFromTheCard_StopsTheRunWithThatReason()
    {
        var (chat, runId) = await WaitingAsync();
        await using var _ = chat;

        await chat.ClickAsync("reject", runId, "gate", "1", ChatHarness.Admin, reason: "not during the freeze");

        var gate = await chat.StepAsync(runId, "gate");
        Assert.Equal(StepStatus.Failed, gate.Status);
        Assert.Contains("not during the freeze", gate.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Extend_ByAnApprover_MovesTheDeadlineOnce()
    {
        var (chat, runId) = await WaitingAsync();
        await using var _ = chat;
        var due = (await chat.StepAsync(runId, "gate")).DueAt;

        var first = await chat.ClickAsync("extend", runId, "gate", "1", ChatHarness.Admin);
        var second = await chat.ClickAsync("extend", runId, "gate", "1", ChatHarness.Admin);

        Assert.Equal(string.Empty, Notice(first));
        Assert.Equal(due + TimeSpan.FromHours(1), (await chat.StepAsync(runId, "gate")).DueAt);
        Assert.Contains("already extended 1 time(s)", Notice(second), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Button_WithAnUnknownVerbOrNoRun_IsAnsweredWithAMessage()
    {
        var (chat, runId) = await WaitingAsync();
        await using var _ = chat;

        var unknown = await chat.ClickAsync("delete", runId, "gate", "1", ChatHarness.Admin);
        var missing = await chat.ClickAsync("approve", "run-404", "gate", "1", ChatHarness.Admin);

        Assert.Equal(InvokeResponse.MessageType, unknown.Type);
        Assert.Contains("does not know the button 'delete'", (string)unknown.Value!, StringComparison.Ordinal);
        Assert.Equal(InvokeResponse.MessageType, missing.Type);
        Assert.Contains("There is no run 'run-404'", (string)missing.Value!, StringComparison.Ordinal);
        Assert.Equal(StepStatus.Waiting, (await chat.StepAsync(runId, "gate")).Status);
    }

    [Fact]
    public async Task Button_WhenThePublisherDrawsNoCard_AnswersTheEnginesMessage()
    {
        var (chat, runId) = await WaitingAsync();
        await using var _ = chat;
        chat.Cards.Blank = true;

        var response = await chat.ClickAsync("approve", runId, "gate", "1", ChatHarness.Admin);

        Assert.Equal(InvokeResponse.MessageType, response.Type);
        Assert.Equal($"'gate' is approved; run {runId} goes on.", response.Value);
    }

    [Fact]
    public async Task ApproveAndRejectTyped_DecideLikeTheButtons()
    {
        await using var chat = new ChatHarness();
        var approved = await chat.StartAsync("gated");
        var rejected = await chat.StartAsync("gated");
        await chat.WaitForStepAsync(approved.Id, "gate", StepStatus.Waiting);
        await chat.WaitForStepAsync(rejected.Id, "gate", StepStatus.Waiting);

        await chat.SayAsync($"/approve {approved.Id}", from: ChatHarness.Requester);
        var self = chat.LastText;
        await chat.SayAsync($"/approve {approved.Id} gate", from: ChatHarness.Sre);
        var ok = chat.LastText;
        await chat.SayAsync($"/reject {rejected.Id} step=gate \"bad timing\" today", from: ChatHarness.Admin);

        Assert.Contains("Not done: You started run", self, StringComparison.Ordinal);
        Assert.Equal($"✓ 'gate' is approved; run {approved.Id} goes on.", ok);
        Assert.Equal($"✓ 'gate' is rejected; run {rejected.Id} stops.", chat.LastText);
        Assert.Contains("bad timing today", (await chat.StepAsync(rejected.Id, "gate")).Error, StringComparison.Ordinal);
    }
}
