using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Tests;

/// <summary>The approval rules of docs/product.md §6, enforced by the engine whoever the client is.</summary>
public class EngineApprovalTests
{
    private readonly Journal _journal = new();

    private EngineHarness Harness(Action<ApprovalBuilder> configure, bool allowSelf = false, IRunStore? store = null)
    {
        var workflow = new WorkflowBuilder("gated").AllowSelfApproval(allowSelf);
        var build = workflow.Step("build", _ => _journal.Add("build")).Compensate(_ => _journal.Add("undo build"));
        var gate = workflow.Approval("gate").After(build).Approvers("role:ops-manager").Timeout(TimeSpan.FromHours(2)).Message("ship it?");
        configure(gate);
        workflow.Step("deploy", _ => _journal.Add("deploy")).After(gate);
        return new EngineHarness(store).Add(workflow.Build());
    }

    private static Task<CommandResult> Decide(EngineHarness harness, string runId, Actor who, ApprovalAction action, string? reason = null) =>
        harness.Engine.SendAsync(runId, new RunCommand.Decide(who, null, action, reason));

    [Fact]
    public async Task Approval_WaitsThenGoesOnWhenAnApproverApproves()
    {
        await using var harness = Harness(_ => { });
        var run = await harness.StartAsync("gated", EngineHarness.Alice);

        var waiting = await harness.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);
        Assert.Equal(["build"], _journal.Entries);
        var gate = await harness.StepAsync(run.Id, "gate");
        Assert.Equal(EngineHarness.Start + TimeSpan.FromHours(2), gate.DueAt);
        Assert.True(gate.Attempt == 1, "each approval request is an attempt: cards use it to tell their round");

        var result = await Decide(harness, run.Id, EngineHarness.Bob, ApprovalAction.Approve);
        Assert.Equal(CommandOutcome.Done, result.Outcome);
        await harness.WaitForRunAsync(waiting.Id, RunStatus.Succeeded);
        Assert.Equal(["build", "deploy"], _journal.Entries);
        Assert.True(harness.Timers.Pending == 0, "the approval's deadline timer must be cancelled once it is decided");
        var vote = Assert.Single((await harness.StepAsync(run.Id, "gate")).Votes);
        Assert.Equal(("bob", true), (vote.ActorId, vote.Approved));
    }

    [Fact]
    public async Task Requester_CannotApproveOwnRun_AndTheRefusalIsAudited()
    {
        await using var harness = Harness(_ => { });
        var requester = EngineHarness.Person("boss", Roles.Operator, "ops-manager");
        var run = await harness.StartAsync("gated", requester);
        await harness.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);

        var result = await Decide(harness, run.Id, requester, ApprovalAction.Approve);

        Assert.Equal(CommandOutcome.Forbidden, result.Outcome);
        Assert.Contains("four-eyes", result.Message, StringComparison.Ordinal);
        Assert.Equal(RunStatus.WaitingForApproval, (await harness.Store.GetRunAsync(run.Id))!.Status);
        Assert.Contains("refused approve by Boss (boss)", await harness.HistoryTextAsync(run.Id), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("29:teams-boss", "0f1e-boss", null, "0f1e-boss", null)]
    [InlineData("0f1e-boss", null, "boss@contoso.com", "29:teams-boss", "0f1e-boss")]
    [InlineData("29:teams-boss", "0f1e-boss", "boss@contoso.com", "someone-else", "boss@contoso.com")]
    public async Task Requester_CannotApproveOwnRun_FromAnotherChannel_UnderAnotherId(
        string startedAs, string? startedWithObjectId, string? startedWithUpn, string decidesAs, string? decidesWithObjectId)
    {
        await using var harness = Harness(_ => { });
        var requester = EngineHarness.Person(startedAs, Roles.Operator, "ops-manager") with { Upn = startedWithUpn };
        var run = await harness.StartAsync("gated", requester with { ObjectId = startedWithObjectId });
        await harness.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);
        var sameperson = EngineHarness.Person(decidesAs, Roles.Operator, "ops-manager") with { ObjectId = decidesWithObjectId, Upn = decidesAs == "someone-else" ? startedWithUpn : null };

        var result = await Decide(harness, run.Id, sameperson, ApprovalAction.Approve);

        Assert.True(result.Outcome == CommandOutcome.Forbidden, $"the requester under another id is still the requester: {result.Outcome} {result.Message}");
        Assert.Contains("four-eyes", result.Message, StringComparison.Ordinal);
        Assert.Equal(CommandOutcome.Done, (await Decide(harness, run.Id, EngineHarness.Bob, ApprovalAction.Approve)).Outcome);
    }

    [Fact]
    public async Task Workflow_ThatOptsOut_LetsTheRequesterApprove()
    {
        await using var harness = Harness(_ => { }, allowSelf: true);
        var requester = EngineHarness.Person("boss", Roles.Operator, "ops-manager");
        var run = await harness.StartAsync("gated", requester);
        await harness.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);

        Assert.Equal(CommandOutcome.Done, (await Decide(harness, run.Id, requester, ApprovalAction.Approve)).Outcome);
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);
    }

    [Fact]
    public async Task SomeoneNotAnApprover_IsRefused_AndNothingChanges()
    {
        await using var harness = Harness(_ => { });
        var run = await harness.StartAsync("gated", EngineHarness.Alice);
        await harness.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);

        var result = await Decide(harness, run.Id, EngineHarness.Carol, ApprovalAction.Approve);

        Assert.Equal(CommandOutcome.Forbidden, result.Outcome);
        Assert.Equal("Only role:ops-manager may decide 'gate'.", result.Message);
        Assert.Empty((await harness.StepAsync(run.Id, "gate")).Votes);
    }

    [Fact]
    public async Task RequiredTwo_NeedsTwoDistinctApprovers_AndASecondClickIsRefused()
    {
        await using var harness = Harness(g => g.Required(2));
        var run = await harness.StartAsync("gated", EngineHarness.Alice);
        await harness.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);

        Assert.Equal("Approval recorded: 1 of 2 for 'gate'.", (await Decide(harness, run.Id, EngineHarness.Bob, ApprovalAction.Approve)).Message);
        var again = await Decide(harness, run.Id, EngineHarness.Bob, ApprovalAction.Approve);
        Assert.Equal(CommandOutcome.Refused, again.Outcome);
        Assert.Contains("already approved", again.Message, StringComparison.Ordinal);
        Assert.Equal(RunStatus.WaitingForApproval, (await harness.Store.GetRunAsync(run.Id))!.Status);

        await Decide(harness, run.Id, EngineHarness.Dave, ApprovalAction.Approve);
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);
    }

    [Fact]
    public async Task OneReject_EndsTheApproval_AndRollsBack()
    {
        await using var harness = Harness(g => g.Required(2));
        var run = await harness.StartAsync("gated", EngineHarness.Alice);
        await harness.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);

        await Decide(harness, run.Id, EngineHarness.Bob, ApprovalAction.Approve);
        await Decide(harness, run.Id, EngineHarness.Dave, ApprovalAction.Reject, "change freeze");
        var ended = await harness.WaitForRunAsync(run.Id, RunStatus.RolledBack);

        Assert.Equal("step 'gate' failed: rejected by Dave: change freeze", ended.Error);
        Assert.Equal(["build", "undo build"], _journal.Entries);
        var late = await Decide(harness, run.Id, EngineHarness.Bob, ApprovalAction.Approve);
        Assert.Equal(CommandOutcome.Refused, late.Outcome);
        Assert.Contains("has ended", late.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACommandQueuedBehindTheSaveThatEndsTheRun_IsAnsweredAsForAnEndedRun()
    {
        var store = new HoldingStore(new InMemoryRunStore(), change => change.Run.Status == RunStatus.RolledBack);
        await using var harness = Harness(_ => { }, store: store);
        var run = await harness.StartAsync("gated", EngineHarness.Alice);
        await harness.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);
        await Decide(harness, run.Id, EngineHarness.Dave, ApprovalAction.Reject, "change freeze");
        await store.Held.WaitAsync(TimeSpan.FromSeconds(30));

        // The coordinator is inside its last commit: this approve waits in its inbox and is answered as it lets the
        // run go. Whether a late click meets that inbox or the ended run in the database, it reads the same.
        var late = Decide(harness, run.Id, EngineHarness.Bob, ApprovalAction.Approve);
        store.Release();
        var answer = await late;

        Assert.Equal(CommandOutcome.Refused, answer.Outcome);
        Assert.Equal($"Run {run.Id} has ended (RolledBack); nothing was done.", answer.Message);
        Assert.Equal(answer.Message, (await Decide(harness, run.Id, EngineHarness.Bob, ApprovalAction.Approve)).Message);
    }

    [Fact]
    public async Task Timeout_RejectsByDefault()
    {
        await using var harness = Harness(_ => { });
        var run = await harness.StartAsync("gated", EngineHarness.Alice);
        await harness.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);

        harness.Clock.Advance(TimeSpan.FromHours(2));
        var ended = await harness.WaitForRunAsync(run.Id, RunStatus.RolledBack);

        Assert.Equal(StepStatus.TimedOut, (await harness.StepAsync(run.Id, "gate")).Status);
        Assert.Contains("approval timed out", ended.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timeout_Escalates_ToTheNextApproversOnce()
    {
        await using var harness = Harness(g => g.EscalateTo("carol"));
        var run = await harness.StartAsync("gated", EngineHarness.Alice);
        await harness.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);

        harness.Clock.Advance(TimeSpan.FromHours(2));
        await harness.WaitUntilAsync(async () => (await harness.StepAsync(run.Id, "gate")).Escalated, "escalation");
        Assert.Equal(CommandOutcome.Forbidden, (await Decide(harness, run.Id, EngineHarness.Bob, ApprovalAction.Approve)).Outcome);
        Assert.Equal(CommandOutcome.Done, (await Decide(harness, run.Id, EngineHarness.Carol, ApprovalAction.Approve)).Outcome);
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);
    }

    [Fact]
    public async Task Extend_MovesTheDeadline_ABoundedNumberOfTimes()
    {
        await using var harness = Harness(g => g.Extend(TimeSpan.FromHours(1), maxTimes: 1));
        var run = await harness.StartAsync("gated", EngineHarness.Alice);
        await harness.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);

        Assert.Equal(CommandOutcome.Done, (await Decide(harness, run.Id, EngineHarness.Bob, ApprovalAction.Extend)).Outcome);
        Assert.Equal(EngineHarness.Start + TimeSpan.FromHours(3), (await harness.StepAsync(run.Id, "gate")).DueAt);
        Assert.Equal(CommandOutcome.Refused, (await Decide(harness, run.Id, EngineHarness.Bob, ApprovalAction.Extend)).Outcome);

        harness.Clock.Advance(TimeSpan.FromHours(2));
        await harness.SettleAsync();
        Assert.Equal(RunStatus.WaitingForApproval, (await harness.Store.GetRunAsync(run.Id))!.Status);

        harness.Clock.Advance(TimeSpan.FromHours(1));
        await harness.WaitForRunAsync(run.Id, RunStatus.RolledBack);
    }

    [Fact]
    public async Task ApprovalAfterTheDecision_IsRefusedWithWhy()
    {
        await using var harness = Harness(_ => { });
        var run = await harness.StartAsync("gated", EngineHarness.Alice);
        await harness.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);

        await Decide(harness, run.Id, EngineHarness.Bob, ApprovalAction.Approve);
        var stale = await harness.Engine.SendAsync(run.Id, new RunCommand.Decide(EngineHarness.Dave, "gate", ApprovalAction.Reject, null));

        Assert.NotEqual(CommandOutcome.Done, stale.Outcome);
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);
    }
}
