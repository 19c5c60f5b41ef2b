using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Tests;

/// <summary>An approval is bound to its plan: what it lets happen, with which parameters and code (issue 19).</summary>
public class ApprovalPlanTests
{
    private static WorkflowDefinition Gated()
    {
        var workflow = new WorkflowBuilder("gated").Parameter(new ParameterDefinition("env", ParameterType.Choice) { OneOf = ["dev", "prod"] });
        var build = workflow.Step("build", _ => { });
        var gate = workflow.Approval("gate").After(build).Approvers("role:ops-manager");
        var deploy = workflow.Step("deploy", _ => { }).After(gate);
        workflow.Step("smoke-test", _ => { }).After(deploy).When(c => c.Parameters["env"] == "prod");
        workflow.Step("notify", _ => { }).After(build);
        return workflow.Build();
    }

    [Fact]
    public void Of_ListsOnlyTheStepsTheApprovalGates_WithBranchesResolved_AndHashesParametersAndVersion()
    {
        var definition = Gated();
        var run = new RunRecord
        {
            Id = "r1", Workflow = "gated", WorkflowVersion = "v-abc", Status = RunStatus.WaitingForApproval, Parameters = new Dictionary<string, string> { ["env"] = "dev" },
            RequestedById = "alice", RequestedByName = "Alice", Trigger = "test", CreatedAt = EngineHarness.Start,
        };

        var plan = ApprovalPlan.Of(definition, run, "gate");

        Assert.Equal(["deploy: runs", "smoke-test: skipped (its condition is false for these parameters)"], plan.Steps);
        Assert.Equal(plan.Hash, ApprovalPlan.Of(definition, run, "gate").Hash);
        Assert.NotEqual(plan.Hash, ApprovalPlan.Of(definition, run with { Parameters = new Dictionary<string, string> { ["env"] = "prod" } }, "gate").Hash);
        Assert.NotEqual(plan.Hash, ApprovalPlan.Of(definition, run with { WorkflowVersion = "v-def" }, "gate").Hash);
    }

    [Fact]
    public async Task Approve_RecordsThePlanTheVoteWasCastOn_InTheVoteAndTheHistory()
    {
        await using var harness = new EngineHarness().Add(Gated());
        var run = await harness.StartAsync("gated", EngineHarness.Alice, ("env", "prod"));
        var waiting = await harness.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);
        var plan = ApprovalPlan.Of(Gated(), waiting, "gate");

        var result = await harness.Engine.SendAsync(run.Id, new RunCommand.Decide(EngineHarness.Bob, "gate", ApprovalAction.Approve, null) { PlanHash = plan.Hash });

        Assert.Equal(CommandOutcome.Done, result.Outcome);
        Assert.Equal(plan.Hash, Assert.Single((await harness.StepAsync(run.Id, "gate")).Votes).PlanHash);
        var history = await harness.HistoryTextAsync(run.Id);
        Assert.Contains($"plan {plan.ShortHash}: deploy: runs, smoke-test: runs", history, StringComparison.Ordinal);
        Assert.Contains($"approved by Bob on plan {plan.ShortHash}", history, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_OnAnotherPlan_IsRefusedAsStale_AndTheApprovalStillWaits()
    {
        await using var harness = new EngineHarness().Add(Gated());
        var run = await harness.StartAsync("gated", EngineHarness.Alice, ("env", "prod"));
        await harness.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);
        var shownBeforeAChange = new string('0', 64);

        var stale = await harness.Engine.SendAsync(run.Id, new RunCommand.Decide(EngineHarness.Bob, "gate", ApprovalAction.Approve, null) { PlanHash = shownBeforeAChange });

        Assert.True(stale.Outcome == CommandOutcome.Refused, $"a decision on another plan must not count: {stale.Outcome} {stale.Message}");
        Assert.Contains("changed since you saw it", stale.Message, StringComparison.Ordinal);
        var gate = await harness.StepAsync(run.Id, "gate");
        Assert.True(gate is { Status: StepStatus.Waiting, Votes.Count: 0 }, $"nothing may change: {gate.Status}, {gate.Votes.Count} votes");
        Assert.Equal(CommandOutcome.Done, (await harness.Engine.SendAsync(run.Id, new RunCommand.Decide(EngineHarness.Bob, "gate", ApprovalAction.Approve, null))).Outcome);
    }
}
