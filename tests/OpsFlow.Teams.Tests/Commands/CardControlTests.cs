using OpsFlow.Engine.Model;
using OpsFlow.Teams.Cards;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Tests.Commands;

/// <summary>The run card's own buttons: the same roles and states as the typed commands, a refusal told to the presser and kept in history.</summary>
public sealed class CardControlTests
{
    private static string Notice(InvokeResponse response)
    {
        Assert.Equal(InvokeResponse.CardType, response.Type);
        var card = Assert.IsType<AdaptiveCard>(response.Value);
        return card.Body.OfType<TextBlock>().SingleOrDefault(t => t.Id == "notice")?.Text ?? string.Empty;
    }

    private static Task<InvokeResponse> PressAsync(ChatHarness chat, string verb, string runId, string from, string? reason = null) =>
        chat.ClickAsync(verb, runId, string.Empty, string.Empty, from, reason);

    [Fact]
    public async Task PauseThenResume_ByAnOperator_AreDone_AndEveryCardOfTheRunIsRefreshed_ButARunWaitingForApprovalIsNotPaused()
    {
        await using var chat = new ChatHarness();
        var waiting = await chat.StartAsync("gated");
        await chat.WaitForRunAsync(waiting.Id, RunStatus.WaitingForApproval);
        Assert.Contains("only a running run can be paused", Notice(await PressAsync(chat, RunCardControls.PauseVerb, waiting.Id, ChatHarness.Requester)), StringComparison.Ordinal);

        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = new OpsFlow.Engine.Definitions.WorkflowBuilder("held", "one step that waits for the test");
        held.Step("work", async _ => await release.Task);
        held.Step("after", _ => { }).After("work");
        chat.Catalog.Add(held.Build());
        var run = await chat.StartAsync("held");
        await chat.WaitForStepAsync(run.Id, "work", StepStatus.Running);

        var paused = await PressAsync(chat, RunCardControls.PauseVerb, run.Id, ChatHarness.Requester);
        Assert.Equal(string.Empty, Notice(paused));
        Assert.Equal(RunStatus.Paused, (await chat.Store.GetRunAsync(run.Id))!.Status);
        release.SetResult();
        await chat.WaitForStepAsync(run.Id, "work", StepStatus.Succeeded);

        var resumed = await PressAsync(chat, RunCardControls.ResumeVerb, run.Id, ChatHarness.Requester);
        Assert.Equal(string.Empty, Notice(resumed));
        await chat.WaitForRunAsync(run.Id, RunStatus.Succeeded);
        Assert.Equal([run.Id, run.Id], chat.Cards.Refreshed);
    }

    [Fact]
    public async Task Cancel_ByAnOperator_IsRefusedToThatPersonAndRecorded_AndByAnAdmin_EndsTheRunWithTheReason()
    {
        await using var chat = new ChatHarness();
        var run = await chat.StartAsync("gated");
        await chat.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);

        var refused = await PressAsync(chat, RunCardControls.CancelVerb, run.Id, ChatHarness.Requester, "wrong version");
        Assert.StartsWith("Not done:", Notice(refused), StringComparison.Ordinal);
        Assert.Empty(chat.Cards.Refreshed);
        Assert.Contains(await chat.Store.GetHistoryAsync(run.Id), h => h.Kind == HistoryKind.Audit && h.Reason.StartsWith("refused cancel", StringComparison.Ordinal));

        var cancelled = await PressAsync(chat, RunCardControls.CancelVerb, run.Id, ChatHarness.Admin, "wrong version");
        Assert.Equal(string.Empty, Notice(cancelled));
        await chat.WaitForRunAsync(run.Id, RunStatus.Cancelled);
        Assert.Contains(await chat.Store.GetHistoryAsync(run.Id), h => h.Reason.Contains("wrong version", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAgain_OnAnEndedRun_StartsANewRunWithItsParameters_PostedHere_ButNotForAViewer()
    {
        await using var chat = new ChatHarness();
        var first = await chat.StartAsync("deploy", ChatHarness.Admin, ("app", "web-app"), ("version", "v1.2"));
        await chat.WaitForRunAsync(first.Id, RunStatus.Succeeded);

        var refused = await PressAsync(chat, RunCardControls.AgainVerb, first.Id, ChatHarness.Viewer);
        Assert.StartsWith("Not started:", Notice(refused), StringComparison.Ordinal);
        Assert.Single(await chat.RunsAsync());

        var again = await PressAsync(chat, RunCardControls.AgainVerb, first.Id, ChatHarness.Requester);

        var second = Assert.Single(await chat.RunsAsync(), r => r.Id != first.Id);
        Assert.Contains($"Run {second.Id} started with the parameters of run {first.Id}", Notice(again), StringComparison.Ordinal);
        Assert.Equal(first.Parameters.OrderBy(p => p.Key), second.Parameters.OrderBy(p => p.Key));
        Assert.Equal((ChatHarness.Requester, ChatHarness.ConversationId, $"chat (again of {first.Id})"), (second.RequestedById, second.ReplyTo, second.Trigger));
    }
}
