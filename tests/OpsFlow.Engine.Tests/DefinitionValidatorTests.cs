using OpsFlow.Engine.Definitions;

namespace OpsFlow.Engine.Tests;

public class DefinitionValidatorTests
{
    private static Task Noop(StepContext _) => Task.CompletedTask;

    [Fact]
    public void Build_ValidGraph_Succeeds()
    {
        var workflow = new WorkflowBuilder("ok");
        var a = workflow.Step("a", Noop);
        workflow.Step("b", Noop).After(a);
        var definition = workflow.Build();
        Assert.Equal(["a", "b"], definition.Steps.Select(s => s.Name));
        Assert.Equal(["a"], definition.Steps[1].DependsOn);
    }

    [Fact]
    public void Build_SeveralProblems_ListsEveryOneAtOnce()
    {
        var workflow = new WorkflowBuilder("broken");
        workflow.Step("a", Noop).After("c");
        workflow.Step("b", Noop).After("a");
        workflow.Step("c", Noop).After("b");
        workflow.Step("a", Noop);
        workflow.Step("d", Noop).After("ghost");

        var error = Assert.Throws<WorkflowDefinitionException>(() => workflow.Build());

        Assert.Equal("broken", error.Workflow);
        Assert.Contains(error.Problems, p => p.Contains("step 'a'", StringComparison.Ordinal) && p.Contains("declared twice", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("unknown step 'ghost'", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("cycle", StringComparison.Ordinal) && p.Contains("a → c → b → a", StringComparison.Ordinal));
        Assert.True(error.Problems.Count >= 3, string.Join(Environment.NewLine, error.Problems));
    }

    [Fact]
    public void Build_Problem_NamesTheSourceLineThatDeclaredTheStep()
    {
        var workflow = new WorkflowBuilder("lines");
        var line = new System.Diagnostics.StackFrame(0, true).GetFileLineNumber() + 1;
        workflow.Step("lonely", Noop).After("nobody");

        var error = Assert.Throws<WorkflowDefinitionException>(() => workflow.Build());

        Assert.Contains($"DefinitionValidatorTests.cs:{line}", error.Problems.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_SelfDependency_IsReportedOnce()
    {
        var workflow = new WorkflowBuilder("self");
        workflow.Step("a", Noop).After("a");
        var error = Assert.Throws<WorkflowDefinitionException>(() => workflow.Build());
        Assert.Single(error.Problems);
        Assert.Contains("depends on itself", error.Problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Build_BadPolicies_AreRejected()
    {
        var workflow = new WorkflowBuilder("policies")
            .Parameter(new ParameterDefinition("env", ParameterType.Choice))
            .Parameter(new ParameterDefinition("name") { Pattern = "([" });
        workflow.Step("retry", Noop).Retry(0, TimeSpan.FromSeconds(1));
        workflow.Step("timeout", Noop).Timeout(TimeSpan.Zero);
        workflow.Approval("gate").Required(0);
        workflow.Approval("escalate").EscalateTo();

        var problems = Assert.Throws<WorkflowDefinitionException>(() => workflow.Build()).Problems;

        Assert.Contains(problems, p => p.Contains("'env' is a choice with no values", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("invalid pattern", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("step 'retry'", StringComparison.Ordinal) && p.Contains("Retry", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("step 'timeout'", StringComparison.Ordinal) && p.Contains("Timeout must be positive", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Required must be at least 1", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("names nobody to escalate to", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(typeof(StepBuilder), "Retry,RetryOn,Timeout,ContinueOnError,Compensate", "Approvers,Required,Message,Extend,Remind,EscalateTo")]
    [InlineData(typeof(ApprovalBuilder), "Approvers,Required,Message,Timeout,Extend,Remind,EscalateTo", "Retry,RetryOn,ContinueOnError,Compensate")]
    [InlineData(typeof(CheckpointBuilder), "After,When,SkipWhenDependencySkipped", "Retry,Timeout,ContinueOnError,Compensate,Approvers,Required")]
    public void EachStepKindsBuilder_HasOnlyTheSettingsThatApplyToIt(Type builder, string has, string lacks)
    {
        var methods = builder.GetMethods().Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        Assert.All(has.Split(','), name => Assert.True(methods.Contains(name), $"{builder.Name} must offer {name}"));
        Assert.All(lacks.Split(','), name => Assert.False(methods.Contains(name), $"{builder.Name} must not offer {name}: it does not apply to that kind of step"));
    }

    [Fact]
    public void AChain_KeepsItsKind_ThroughTheCommonSettings()
    {
        var workflow = new WorkflowBuilder("x");
        var build = workflow.Step("build", Noop);
        var gate = workflow.Approval("gate").After(build).When(() => true).Required(2).Approvers("role:ops-manager");
        workflow.Step("deploy", Noop).After(gate).Retry(2, TimeSpan.FromSeconds(1));

        var definition = workflow.Build();
        Assert.Equal(2, definition.Find("gate")!.Approval!.Required);
        Assert.Equal(["build"], definition.Find("gate")!.DependsOn);
    }

    [Fact]
    public void RetryPolicy_DelayGrowsExponentiallyUpToTheCap()
    {
        var policy = new RetryPolicy(5, TimeSpan.FromSeconds(30), 2.0) { MaxDelay = TimeSpan.FromMinutes(1) };
        Assert.Equal(TimeSpan.FromSeconds(30), policy.DelayBefore(2));
        Assert.Equal(TimeSpan.FromSeconds(60), policy.DelayBefore(3));
        Assert.Equal(TimeSpan.FromSeconds(60), policy.DelayBefore(4));
    }
}
