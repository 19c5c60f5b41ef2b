using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Tests;

/// <summary>What steps find (ok / warning / critical) is kept with the step and decides how a succeeded run looks.</summary>
public sealed class FindingTests
{
    private sealed class Secrets : ISecretSource
    {
        public IReadOnlyCollection<string> Values => ["hunter2-secret"];

        public bool TryGet(string name, out string value)
        {
            value = name == "db" ? "hunter2-secret" : "";
            return value.Length > 0;
        }
    }

    [Fact]
    public async Task Findings_OfASucceededRun_AreStoredWithTheStep_AndAWarningMakesItSucceededWithWarnings()
    {
        await using var harness = new EngineHarness(secrets: new Secrets());
        var workflow = new WorkflowBuilder("checks");
        workflow.Step("disk", ctx =>
        {
            ctx.Finding(FindingLevel.Ok, "/ 40% used");
            ctx.Finding(FindingLevel.Warning, "/data 93% used");
        });
        workflow.Step("db", ctx => ctx.Finding(FindingLevel.Critical, $"cannot log in with {ctx.Secret("db")}"));
        workflow.Step("quiet", _ => { });
        harness.Add(workflow.Build());

        var run = await harness.StartAsync("checks");
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);
        var steps = await harness.Store.GetStepsAsync(run.Id);

        Assert.Equal([new Finding(FindingLevel.Ok, "/ 40% used"), new Finding(FindingLevel.Warning, "/data 93% used")], steps.Single(s => s.Name == "disk").Findings);
        var critical = Assert.Single(steps.Single(s => s.Name == "db").Findings);
        Assert.Equal(FindingLevel.Critical, critical.Level);
        Assert.DoesNotContain("hunter2", critical.Text, StringComparison.Ordinal);
        Assert.Empty(steps.Single(s => s.Name == "quiet").Findings);
        Assert.Equal(StatusVocabulary.SucceededWithWarnings, StatusVocabulary.Of(RunStatus.Succeeded, steps));
        var log = await harness.Store.GetStepLogAsync(run.Id, "disk");
        Assert.Contains(log, line => line.Level == "warning" && line.Text.Contains("/data 93% used", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OnlyOkFindings_LeaveTheRunPlainSucceeded()
    {
        await using var harness = new EngineHarness();
        var workflow = new WorkflowBuilder("fine");
        workflow.Step("disk", ctx => ctx.Finding(FindingLevel.Ok, "/ 40% used"));
        harness.Add(workflow.Build());

        var run = await harness.StartAsync("fine");
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);
        var steps = await harness.Store.GetStepsAsync(run.Id);

        Assert.Equal(StatusVocabulary.Of(RunStatus.Succeeded), StatusVocabulary.Of(RunStatus.Succeeded, steps));
    }

    [Fact]
    public async Task Findings_BeyondTheCap_AreCountedInOneLastFinding_AndLongTextIsCut()
    {
        await using var harness = new EngineHarness();
        var workflow = new WorkflowBuilder("chatty");
        workflow.Step("scan", ctx =>
        {
            ctx.Finding(FindingLevel.Ok, new string('x', Finding.MaxText + 50));
            for (var i = 1; i < Finding.MaxPerStep + 5; i++)
            {
                ctx.Finding(i == 3 ? FindingLevel.Warning : FindingLevel.Ok, $"host {i}");
            }
        });
        harness.Add(workflow.Build());

        var run = await harness.StartAsync("chatty");
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);
        var findings = (await harness.StepAsync(run.Id, "scan")).Findings;

        Assert.Equal(Finding.MaxPerStep + 1, findings.Count);
        Assert.Equal(Finding.MaxText + 1, findings[0].Text.Length);
        Assert.Equal("… and 5 more findings (see the step log)", findings[^1].Text);
        Assert.Equal(FindingLevel.Warning, findings[^1].Level);
    }

    [Fact]
    public async Task Findings_OfAFailedStep_AreKept()
    {
        await using var harness = new EngineHarness();
        var workflow = new WorkflowBuilder("broken");
        workflow.Step("probe", ctx =>
        {
            ctx.Finding(FindingLevel.Critical, "endpoint down");
            throw new InvalidOperationException("gave up");
        });
        harness.Add(workflow.Build());

        var run = await harness.StartAsync("broken");
        await harness.WaitForRunAsync(run.Id, RunStatus.Failed);

        Assert.Equal("endpoint down", Assert.Single((await harness.StepAsync(run.Id, "probe")).Findings).Text);
    }
}
