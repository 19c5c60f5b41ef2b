using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Tests;

/// <summary>
/// Four-eyes with no side door (issue 19): nobody who requested a run gets past its approval, by approving, by skipping
/// or by voting twice under two ids, and every new round of an approval starts from nothing.
/// </summary>
public class FourEyesTests
{
    private readonly Journal _journal = new();

    private EngineHarness Harness(Action<ApprovalBuilder>? configure = null)
    {
        var workflow = new WorkflowBuilder("gated");
        var gate = workflow.Approval("gate").Approvers("role:ops-manager").Timeout(TimeSpan.FromHours(2));
        configure?.Invoke(gate);
        workflow.Step("deploy", _ => _journal.Add("deploy")).After(gate);
        return new EngineHarness().Add(workflow.Build());
    }

    /// <summary>An admin who is also an approver: every right there is, and still not on their own run.</summary>
    private static Actor Boss { get; } = EngineHarness.Person("boss", Roles.Admin, "ops-manager");

    [Fact]
    public async Task Skip_TheApprovalOfTheirOwnRun_IsRefused_EvenForAnAdminWhoIsAnApprover()
    {
        await using var harness = Harness();
        var run = await harness.StartAsync("gated", Boss);
        await harness.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);

        var result = await harness.Engine.SendAsync(run.Id, new RunCommand.Skip(Boss, "gate", "I know it is fine"));

        Assert.True(result.Outcome == CommandOutcome.Forbidden, $"skipping one's own approval is a side door round four-eyes: {result.Outcome} {result.Message}");
        Assert.Contains("four-eyes", result.Message, StringComparison.Ordinal);
        Assert.Equal(StepStatus.Waiting, (await harness.StepAsync(run.Id, "gate")).Status);
        Assert.Empty(_journal.Entries);
    }

    [Fact]
    public async Task Skip_TheApprovalOfTheirOwnRun_UnderAnotherId_IsRefused()
    {
        await using var harness = Harness();
        var run = await harness.StartAsync("gated", Boss with { ObjectId = "0f1e-boss" });
        await harness.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);
        var onTheDashboard = EngineHarness.Person("0f1e-boss", Roles.Admin, "ops-manager");

        var result = await harness.Engine.SendAsync(run.Id, new RunCommand.Skip(onTheDashboard, "gate", null));

        Assert.Equal(CommandOutcome.Forbidden, result.Outcome);
    }

    [Fact]
    public async Task Skip_AnApprovalByAnAdminWhoIsNoApprover_IsRefused()
    {
        await using var harness = Harness();
        var run = await harness.StartAsync("gated", EngineHarness.Alice);
        await harness.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);

        var result = await harness.Engine.SendAsync(run.Id, new RunCommand.Skip(EngineHarness.Carol, "gate", "approver on leave"));

        Assert.Equal(CommandOutcome.Forbidden, result.Outcome);
        Assert.Equal("Only role:ops-manager may decide 'gate'.", result.Message);
    }

    [Fact]
    public async Task Skip_AnApprovalByAnEligibleApprover_GoesOn_AndIsRecordedAsTheirDecision()
    {
        await using var harness = Harness();
        var run = await harness.StartAsync("gated", EngineHarness.Alice);
        await harness.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);

        var result = await harness.Engine.SendAsync(run.Id, new RunCommand.Skip(Boss, "gate", "change board said yes"));

        Assert.Equal(CommandOutcome.Done, result.Outcome);
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);
        var gate = await harness.StepAsync(run.Id, "gate");
        Assert.Equal(StepStatus.Skipped, gate.Status);
        var vote = Assert.Single(gate.Votes);
        Assert.True(vote is { ActorId: "boss", Approved: true, Skipped: true, Reason: "change board said yes" }, $"the skip is the skipper's decision: {vote}");
        Assert.Contains("decided by Boss (boss) as an approver", await harness.HistoryTextAsync(run.Id), StringComparison.Ordinal);
        Assert.True(harness.Timers.Pending == 0, "a skipped approval's deadline must be cancelled");
        Assert.Equal(["deploy"], _journal.Entries);
    }

    [Fact]
    public async Task Approve_BySamePersonUnderTwoIds_CountsOnce()
    {
        await using var harness = Harness(g => g.Required(2));
        var run = await harness.StartAsync("gated", EngineHarness.Alice);
        await harness.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);
        var inTeams = EngineHarness.Person("29:bob", Roles.Operator, "ops-manager") with { ObjectId = "0b0b-bob" };
        var onTheDashboard = EngineHarness.Person("0b0b-bob", Roles.Operator, "ops-manager") with { ObjectId = "0b0b-bob", Upn = "bob@contoso.com" };

        Assert.Equal(CommandOutcome.Done, (await harness.Engine.SendAsync(run.Id, new RunCommand.Decide(inTeams, null, ApprovalAction.Approve, null))).Outcome);
        var second = await harness.Engine.SendAsync(run.Id, new RunCommand.Decide(onTheDashboard, null, ApprovalAction.Approve, null));

        Assert.True(second.Outcome == CommandOutcome.Refused, $"one person, two ids, one vote: {second.Outcome} {second.Message}");
        Assert.Contains("already approved", second.Message, StringComparison.Ordinal);
        Assert.Equal(RunStatus.WaitingForApproval, (await harness.Store.GetRunAsync(run.Id))!.Status);
        Assert.Equal(["29:bob", "0b0b-bob"], Assert.Single((await harness.StepAsync(run.Id, "gate")).Votes).ActorIds);
    }

    [Fact]
    public async Task Retry_AfterAnApprovalTimedOut_StartsANewRound_WithNoVotesEscalationOrExtensions()
    {
        await using var harness = Harness(g => g.Required(2).Extend(TimeSpan.FromHours(1)).EscalateTo("role:ops-manager"));
        var run = await harness.StartAsync("gated", EngineHarness.Alice);
        await harness.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);
        Assert.Equal(CommandOutcome.Done, (await harness.Engine.SendAsync(run.Id, new RunCommand.Decide(EngineHarness.Bob, null, ApprovalAction.Approve, null))).Outcome);
        Assert.Equal(CommandOutcome.Done, (await harness.Engine.SendAsync(run.Id, new RunCommand.Decide(EngineHarness.Bob, null, ApprovalAction.Extend, null))).Outcome);
        harness.Clock.Advance(TimeSpan.FromHours(3));
        await harness.WaitUntilAsync(async () => (await harness.StepAsync(run.Id, "gate")).Escalated, "escalation");
        harness.Clock.Advance(TimeSpan.FromHours(2));
        await harness.WaitForRunAsync(run.Id, RunStatus.Failed);

        Assert.Equal(CommandOutcome.Done, (await harness.Engine.SendAsync(run.Id, new RunCommand.Retry(EngineHarness.Alice))).Outcome);
        var gate = await harness.WaitForStepAsync(run.Id, "gate", StepStatus.Waiting);

        Assert.True(gate is { Votes.Count: 0, Escalated: false, Extensions: 0 }, $"a new round starts from nothing: {gate.Votes.Count} votes, escalated {gate.Escalated}, {gate.Extensions} extensions");
        Assert.Equal(EngineHarness.Start + TimeSpan.FromHours(7), gate.DueAt);
        Assert.Equal("Approval recorded: 1 of 2 for 'gate'.", (await harness.Engine.SendAsync(run.Id, new RunCommand.Decide(EngineHarness.Bob, null, ApprovalAction.Approve, null))).Message);
    }
}
