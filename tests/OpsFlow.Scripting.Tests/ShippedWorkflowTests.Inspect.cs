using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using static OpsFlow.Scripting.Tests.ShippedWorkflowHarness;

namespace OpsFlow.Scripting.Tests;

/// <summary>workflows/inspect.csx on this machine: the checks run and the report lands on disk.</summary>
[Collection(ShippedWorkflowsCollection.Name)]
public sealed class InspectWorkflowTests
{
    [Fact]
    public async Task Inspect_WithoutEndpoints_WritesAReportOfEveryCheckAndSaysNoneAreConfigured()
    {
        await using var harness = new ShippedWorkflowHarness();
        await harness.LoadAsync();

        var run = await harness.StartAsync("inspect", Alice);
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);

        var report = await harness.StepAsync(run.Id, "report");
        var path = report.Outputs["report"];
        Assert.Equal(Path.Combine(harness.DataPath, "reports", $"inspect-{run.Id}.md"), path);
        var text = await File.ReadAllTextAsync(path);
        foreach (var check in new[] { "disk", "memory", "load", "ports", "endpoints" })
        {
            Assert.True(text.Contains($"## {check}: ", StringComparison.Ordinal), $"the report must have a {check} section:{Environment.NewLine}{text}");
        }

        Assert.Contains("none configured", text, StringComparison.Ordinal);
        Assert.Contains(report.Outputs["verdict"], new[] { "ok", "warning", "critical" });
        foreach (var check in new[] { "disk", "memory", "load", "ports" })
        {
            Assert.True((await harness.StepAsync(run.Id, check)).Findings.Count > 0, $"the {check} check must report what it found");
        }
    }

    [Fact]
    public async Task Inspect_ADiskOverItsLimit_EndsSucceededWithWarnings_TheDiskFindingNamed()
    {
        await using var harness = new ShippedWorkflowHarness();
        await harness.LoadAsync();

        // Every disk here is more than 1% full: the check must warn, and the run must say so without failing.
        var run = await harness.StartAsync("inspect", Alice, ("disk-warn-percent", "1"));
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);
        var steps = await harness.Store.GetStepsAsync(run.Id);

        var disk = steps.Single(s => s.Name == "disk").Findings;
        Assert.Contains(disk, f => f.Level >= FindingLevel.Warning && f.Text.Contains("over 1%", StringComparison.Ordinal));
        Assert.Equal(StatusVocabulary.SucceededWithWarnings, StatusVocabulary.Of(RunStatus.Succeeded, steps));
        Assert.NotEqual("ok", steps.Single(s => s.Name == "report").Outputs["verdict"]);
    }

    [Fact]
    public async Task Inspect_EndpointDownWithFailOnWarning_FailsTheRunButStillWritesTheReport()
    {
        var down = $"http://127.0.0.1:{FreePort()}/health";
        await using var harness = new ShippedWorkflowHarness(new Dictionary<string, string?> { ["inspect:endpoints:0"] = down });
        await harness.LoadAsync();

        var run = await harness.StartAsync("inspect", Alice, ("fail-on-warning", "true"));
        await harness.WaitForRunAsync(run.Id, RunStatus.Failed);

        var report = await harness.StepAsync(run.Id, "report");
        Assert.Equal(StepStatus.Failed, report.Status);
        Assert.Contains("endpoints warned", report.Error, StringComparison.Ordinal);

        // A failed step's outputs are not kept, so the file is what survives for people to read.
        var text = await File.ReadAllTextAsync(Path.Combine(harness.DataPath, "reports", $"inspect-{run.Id}.md"));
        Assert.Contains("Verdict: **critical**", text, StringComparison.Ordinal);
        Assert.Contains((await harness.StepAsync(run.Id, "endpoints")).Findings, f => f.Level == FindingLevel.Critical && f.Text.StartsWith($"{down} is down", StringComparison.Ordinal));
        Assert.True(text.Contains($"{down}: **down**", StringComparison.Ordinal), $"the report must name the endpoint that is down:{Environment.NewLine}{text}");
    }
}
