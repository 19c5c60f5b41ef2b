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

    [Fact]
    public void ApprovalSettings_OnAnActionStep_ThrowAtOnce()
    {
        var workflow = new WorkflowBuilder("x");
        var error = Assert.Throws<InvalidOperationException>(() => workflow.Step("a", Noop).Required(2));
        Assert.Contains("not an approval step", error.Message, StringComparison.Ordinal);
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
