using OpsFlow.Engine.Model;

namespace OpsFlow.Teams.Tests.Commands;

public sealed class RunCommandTests
{
    [Fact]
    public async Task Runs_ListsRecentRunsNewestFirstWithStatusRequesterAgeAndLinks()
    {
        await using var chat = new ChatHarness(dashboardUrl: "https://opsflow.example/");
        var first = await chat.StartAsync("gated");
        await chat.WaitForRunAsync(first.Id, RunStatus.WaitingForApproval);
        chat.Clock.Advance(TimeSpan.FromMinutes(5));
        var second = await chat.StartAsync("deploy", ChatHarness.Admin, ("app", "web-app"), ("version", "v1"));
        await chat.WaitForRunAsync(second.Id, RunStatus.Succeeded);

        await chat.SayAsync("/runs");

        var text = CardText.Of(chat.LastCard);
        Assert.Contains($"**deploy** · [{second.Id}](https://opsflow.example/runs/{second.Id}) · Succeeded", text, StringComparison.Ordinal);
        Assert.Contains($"**gated** · [{first.Id}](https://opsflow.example/runs/{first.Id}) · WaitingForApproval", text, StringComparison.Ordinal);
        Assert.Contains($"by Person {ChatHarness.Requester} · 5 min ago", text, StringComparison.Ordinal);
        Assert.True(text.IndexOf(second.Id, StringComparison.Ordinal) < text.IndexOf(first.Id, StringComparison.Ordinal), "Newest first.");
        Assert.Contains("Open the dashboard <https://opsflow.example/>", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_ByWorkflowAndStatus_FiltersAndWithoutDashboardHasNoLinks()
    {
        await using var chat = new ChatHarness();
        var waiting = await chat.StartAsync("gated");
        await chat.WaitForRunAsync(waiting.Id, RunStatus.WaitingForApproval);
        var done = await chat.StartAsync("deploy", parameters: [("app", "web-app"), ("version", "v1")]);
        await chat.WaitForRunAsync(done.Id, RunStatus.Succeeded);

        await chat.SayAsync("/runs gated waiting");
        var gated = CardText.Of(chat.LastCard);
        await chat.SayAsync("/runs succeeded");
        var succeeded = CardText.Of(chat.LastCard);

        Assert.Contains(waiting.Id, gated, StringComparison.Ordinal);
        Assert.DoesNotContain(done.Id, gated, StringComparison.Ordinal);
        Assert.DoesNotContain("](", gated, StringComparison.Ordinal);
        Assert.Contains(done.Id, succeeded, StringComparison.Ordinal);
        Assert.DoesNotContain(waiting.Id, succeeded, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_WithABadStatus_NamesTheValidOnes()
    {
        await using var chat = new ChatHarness();

        await chat.SayAsync("/runs deploy broken");

        Assert.Contains("'broken' is not a run status", chat.LastText, StringComparison.Ordinal);
        Assert.Contains("pending, running, waitingforapproval, paused, failed", chat.LastText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_OfAKnownRun_PostsItsCardHere_AndOfAnUnknownOne_SaysSo()
    {
        await using var chat = new ChatHarness();
        var run = await chat.StartAsync("gated");

        await chat.SayAsync($"/status {run.Id}");
        await chat.SayAsync("/status run-nope");

        Assert.Equal([(run.Id, ChatHarness.ConversationId)], chat.Cards.Posted);
        Assert.Contains("There is no run 'run-nope'", chat.LastText, StringComparison.Ordinal);
        Assert.Contains("/runs", chat.LastText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_ByAnOperator_IsRefusedForTheAdminRole_AndByAnAdmin_IsDone()
    {
        await using var chat = new ChatHarness();
        var run = await chat.StartAsync("gated");
        await chat.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);

        await chat.SayAsync($"/cancel {run.Id} wrong build");
        var refused = chat.LastText;
        await chat.SayAsync($"/cancel {run.Id} wrong build", from: ChatHarness.Admin);

        Assert.Contains("Cancel needs the admin role", refused, StringComparison.Ordinal);
        Assert.Contains($"✓ Run {run.Id} is cancelled.", chat.LastText, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Cancelled, (await chat.Store.GetRunAsync(run.Id))!.Status);
        Assert.Contains((await chat.Store.GetHistoryAsync(run.Id)), h => h.Reason.Contains("wrong build", StringComparison.Ordinal));
        Assert.Equal([run.Id], chat.Cards.Refreshed);
    }

    [Fact]
    public async Task Skip_NeedsTheAdminRole_AndSkipsTheNamedStep()
    {
        await using var chat = new ChatHarness();
        var run = await chat.StartAsync("gated");
        await chat.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);

        await chat.SayAsync($"/skip {run.Id} gate");
        var refused = chat.LastText;
        await chat.SayAsync($"/skip {run.Id} gate approver away", from: ChatHarness.Admin);

        Assert.Contains("Skip needs the admin role", refused, StringComparison.Ordinal);
        Assert.Contains("Step 'gate'", chat.LastText, StringComparison.Ordinal);
        Assert.Equal(StepStatus.Skipped, (await chat.StepAsync(run.Id, "gate")).Status);
        await chat.WaitForRunAsync(run.Id, RunStatus.Succeeded);
    }

    [Fact]
    public async Task PauseResumeAndRetry_ByAnOperator_AnswerTheEnginesMessage()
    {
        await using var chat = new ChatHarness { FlakyFails = true };
        var run = await chat.StartAsync("flaky");
        await chat.WaitForRunAsync(run.Id, RunStatus.Failed);

        await chat.SayAsync($"/pause {run.Id}");
        var pause = chat.LastText;
        chat.FlakyFails = false;
        await chat.SayAsync($"/retry {run.Id}");
        var retry = chat.LastText;
        await chat.WaitForRunAsync(run.Id, RunStatus.Succeeded);
        await chat.SayAsync($"/resume {run.Id}");

        Assert.Contains("Not done: Run " + run.Id + " has ended", chat.LastText, StringComparison.Ordinal);
        Assert.Contains("only a running run can be paused", pause, StringComparison.Ordinal);
        Assert.Contains($"✓ Run {run.Id} is running again from work.", retry, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pause_ByAViewer_IsRefused_AndWithoutARunId_ShowsUsage()
    {
        await using var chat = new ChatHarness();
        var run = await chat.StartAsync("gated");
        await chat.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);

        await chat.SayAsync($"/pause {run.Id}", from: ChatHarness.Viewer);
        var refused = chat.LastText;
        await chat.SayAsync("/pause");

        Assert.Contains("Pause needs the operator role", refused, StringComparison.Ordinal);
        Assert.Contains("Usage: `/pause <run>`", chat.LastText, StringComparison.Ordinal);
        Assert.Empty(chat.Cards.Refreshed);
    }

    [Fact]
    public async Task Control_OfAnUnknownRun_SaysThereIsNone()
    {
        await using var chat = new ChatHarness();

        await chat.SayAsync("/retry run-404");

        Assert.Equal("There is no run 'run-404'. /runs lists recent runs and their ids.", chat.LastText);
    }

    [Fact]
    public async Task Params_NeedsNameValueWords_TheAdminRole_AndAPausedRun()
    {
        await using var chat = new ChatHarness();
        var run = await chat.StartAsync("gated");
        await chat.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);

        await chat.SayAsync($"/params {run.Id} prod", from: ChatHarness.Admin);
        var bare = chat.LastText;
        await chat.SayAsync($"/params {run.Id} env=prod");
        var byOperator = chat.LastText;
        await chat.SayAsync($"/params {run.Id} env=prod", from: ChatHarness.Admin);

        Assert.Equal($"'prod' is not name=value; say which parameter each value is for, e.g. `/params {run.Id} checks=3`. Usage: `/params <run> name=value [name=value…]`.", bare);
        Assert.Equal("Not done: Change-parameters needs the admin role, which you do not have.", byOperator);
        Assert.StartsWith($"Not done: Run {run.Id} is WaitingForApproval; pause it first (/pause {run.Id})", chat.LastText, StringComparison.Ordinal);
        Assert.Empty(chat.Cards.Refreshed);
    }
}
