using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;

namespace OpsFlow.Engine.Tests;

public sealed class RunPlannerTests
{
    private static WorkflowDefinition Deploy()
    {
        var w = new WorkflowBuilder("deploy").Parameter(new ParameterDefinition("env", ParameterType.Choice) { OneOf = ["dev", "prod"] });
        var build = w.Step("build", _ => { });
        var test = w.Step("test", _ => { });
        var gate = w.Approval("prod-approval").After(build, test).When(c => c.Parameters["env"] == "prod").Approvers("role:ops-manager");
        w.Step("deploy", _ => { }).After(gate).Compensate(_ => { });
        w.Step("announce", _ => { }).After("deploy").When(c => c.Output("deploy", "changed") == "yes");
        w.Step("audit", _ => { }).After(gate).SkipWhenDependencySkipped();
        return w.Build();
    }

    private static ParameterValues Env(string env) => new(new Dictionary<string, string> { ["env"] = env });

    [Fact]
    public void Plan_Dev_SkipsTheProdGateAndCountsTheSkipAsDone()
    {
        var plan = RunPlanner.Plan(Deploy(), Env("dev")).ToDictionary(p => p.Step.Name);

        Assert.Equal(PlanDecision.Skipped, plan["prod-approval"].Decision);
        Assert.Equal(PlanDecision.Runs, plan["deploy"].Decision);
        Assert.Equal(PlanDecision.Skipped, plan["audit"].Decision);
        Assert.Contains("rollback", plan["deploy"].Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_Prod_RunsTheGateAndNamesItsApprovers()
    {
        var gate = RunPlanner.Plan(Deploy(), Env("prod")).Single(p => p.Step.Name == "prod-approval");

        Assert.Equal(PlanDecision.Runs, gate.Decision);
        Assert.Contains("role:ops-manager", gate.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_ConditionOnOutputs_IsDecidedAtRunTimeNotGuessed() =>
        Assert.Equal(PlanDecision.DecidedAtRunTime, RunPlanner.Plan(Deploy(), Env("prod")).Single(p => p.Step.Name == "announce").Decision);

    [Fact]
    public void Plan_IndependentSteps_ShareAWaveAndDependentsComeAfter()
    {
        var plan = RunPlanner.Plan(Deploy(), Env("prod"));

        Assert.Equal(["build", "test", "prod-approval", "deploy", "audit", "announce"], plan.Select(p => p.Step.Name));
        Assert.Equal([1, 1, 2, 3, 3, 4], plan.Select(p => p.Wave));
    }
}
