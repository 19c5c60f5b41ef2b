using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Telemetry;

namespace OpsFlow.Engine.Tests;

/// <summary>What an operator's dashboards read: one trace per run, a span per step attempt, and the run metrics.</summary>
public class EngineTelemetryTests
{
    private static (EngineHarness Harness, TelemetryProbe Probe) Build(WorkflowDefinition workflow, FakeTimeProvider? clock = null, InMemoryRunStore? store = null)
    {
        clock ??= new FakeTimeProvider(EngineHarness.Start);
        var probe = new TelemetryProbe(new EngineTelemetry(clock));
        var harness = new EngineHarness(store, clock, telemetry: probe.Telemetry).Add(workflow);
        return (harness, probe);
    }

    [Fact]
    public async Task ARun_IsOneTraceWithASpanPerStepAttempt_UnderItsRootSpan()
    {
        var attempts = 0;
        var workflow = new WorkflowBuilder("traced");
        var build = workflow.Step("build", _ => { });
        workflow.Step("ship", _ =>
        {
            if (Interlocked.Increment(ref attempts) == 1)
            {
                throw new InvalidOperationException("flaky");
            }
        }).After(build).Retry(2, TimeSpan.FromSeconds(10));
        var (harness, probe) = Build(workflow.Build());
        await using var _ = harness;
        using var __ = probe;

        var run = await harness.StartAsync("traced");
        await harness.WaitForStepAsync(run.Id, "ship", StepStatus.Waiting);
        harness.Clock.Advance(TimeSpan.FromSeconds(10));
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);
        await harness.WaitUntilAsync(() => Task.FromResult(probe.SpansOf(run.Id).Any(s => s.ParentSpanId == default)), "the root span to end", run.Id);

        var spans = probe.SpansOf(run.Id);
        var root = Assert.Single(spans, s => s.ParentSpanId == default);
        Assert.Equal("run traced", root.DisplayName);
        Assert.Equal(run.Id, root.GetTagItem("opsflow.run.id"));
        Assert.Equal(nameof(RunStatus.Succeeded), root.GetTagItem("opsflow.run.status"));
        var steps = spans.Where(s => s != root).OrderBy(s => s.StartTimeUtc).ThenBy(s => s.GetTagItem("opsflow.attempt")).ToArray();
        Assert.True(
            steps.Select(s => $"{s.DisplayName}#{s.GetTagItem("opsflow.attempt")}:{s.GetTagItem("opsflow.outcome")}").SequenceEqual(["step build#1:Succeeded", "step ship#1:Retry", "step ship#2:Succeeded"]),
            "one span per attempt, in order: " + string.Join(", ", steps.Select(s => $"{s.DisplayName}#{s.GetTagItem("opsflow.attempt")}:{s.GetTagItem("opsflow.outcome")}")));
        Assert.All(steps, s => Assert.Equal(root.SpanId, s.ParentSpanId));
        Assert.Equal(ActivityStatusCode.Error, steps[1].Status);
        Assert.Equal(EngineHarness.Start.UtcDateTime + TimeSpan.FromSeconds(10), steps[2].StartTimeUtc);

        Assert.Equal(1, probe.Sum("opsflow.runs.started", ("workflow", "traced"), ("trigger", "test")));
        Assert.Equal(1, probe.Sum("opsflow.runs.finished", ("workflow", "traced"), ("outcome", "Succeeded")));
        Assert.Equal(1, probe.Sum("opsflow.step.retries", ("workflow", "traced"), ("step", "ship")));
        Assert.Equal(3, probe.Count("opsflow.step.duration", ("workflow", "traced")));
        Assert.True(probe.Sum("opsflow.steps.in_flight") == 0, "every step that started executing also stopped");
        Assert.Equal(10, probe.Sum("opsflow.run.duration", ("outcome", "Succeeded")), precision: 3);
    }

    [Fact]
    public async Task WaitingApprovals_AreGaugedWithTheirAge_UntilDecided()
    {
        var workflow = new WorkflowBuilder("gated");
        var gate = workflow.Approval("gate").Approvers("role:ops-manager").Timeout(TimeSpan.FromHours(2));
        workflow.Step("deploy", _ => { }).After(gate);
        var (harness, probe) = Build(workflow.Build());
        await using var _ = harness;
        using var __ = probe;

        var run = await harness.StartAsync("gated", EngineHarness.Alice);
        await harness.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);
        harness.Clock.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(1, Assert.Single(probe.Observe("opsflow.approvals.waiting")).Value);
        Assert.Equal(600, Assert.Single(probe.Observe("opsflow.approvals.oldest_age")).Value, precision: 3);

        await harness.Engine.SendAsync(run.Id, new RunCommand.Decide(EngineHarness.Bob, null, ApprovalAction.Approve, null));
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);
        Assert.Empty(probe.Observe("opsflow.approvals.waiting"));
        await harness.WaitUntilAsync(() => Task.FromResult(probe.SpansOf(run.Id).Any(s => s.DisplayName == "approval gate")), "the approval span", run.Id);
        var approval = Assert.Single(probe.SpansOf(run.Id), s => s.DisplayName == "approval gate");
        Assert.Equal(TimeSpan.FromMinutes(10), approval.Duration);
    }

    [Fact]
    public async Task ARollback_CountsCompensations_AndMarksTheRunSpanAsAnError()
    {
        var workflow = new WorkflowBuilder("undone");
        var a = workflow.Step("a", _ => { }).Compensate(_ => { });
        workflow.Step("b", _ => throw new InvalidOperationException("boom")).After(a);
        var (harness, probe) = Build(workflow.Build());
        await using var _ = harness;
        using var __ = probe;

        var run = await harness.StartAsync("undone");
        await harness.WaitForRunAsync(run.Id, RunStatus.RolledBack);
        await harness.WaitUntilAsync(() => Task.FromResult(probe.SpansOf(run.Id).Any(s => s.ParentSpanId == default)), "the root span to end", run.Id);

        Assert.Equal(1, probe.Sum("opsflow.compensations", ("workflow", "undone"), ("step", "a"), ("outcome", "Compensated")));
        Assert.Equal(1, probe.Sum("opsflow.runs.finished", ("workflow", "undone"), ("outcome", "RolledBack")));
        var spans = probe.SpansOf(run.Id);
        Assert.Contains(spans, s => s.DisplayName == "compensate a");
        Assert.Equal(ActivityStatusCode.Error, Assert.Single(spans, s => s.ParentSpanId == default).Status);
    }

    [Fact]
    public async Task TheRequestThatStartedARun_IsLinkedFromItsTrace_AndTaggedWithTheRunId()
    {
        var workflow = new WorkflowBuilder("linked");
        workflow.Step("only", _ => { });
        var (harness, probe) = Build(workflow.Build());
        await using var _ = harness;
        using var __ = probe;
        using var inbound = new ActivitySource("OpsFlow.Tests.Inbound");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s == inbound,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);

        RunRecord run;
        ActivityContext origin;
        using (var request = inbound.StartActivity("chat message"))
        {
            origin = request!.Context;
            run = await harness.StartAsync("linked");
            Assert.Equal(run.Id, request.GetTagItem("opsflow.run.id"));
        }

        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);
        await harness.WaitUntilAsync(() => Task.FromResult(probe.SpansOf(run.Id).Any(s => s.ParentSpanId == default)), "the root span to end", run.Id);
        var root = Assert.Single(probe.SpansOf(run.Id), s => s.ParentSpanId == default);
        Assert.NotEqual(origin.TraceId, root.TraceId);
        Assert.Equal(origin, Assert.Single(root.Links).Context);
    }

    [Fact]
    public async Task ARunResumedAfterARestart_ContinuesTheSameTrace()
    {
        var store = new InMemoryRunStore();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workflow = new WorkflowBuilder("resumed");
        workflow.Step("slow", async ctx => await release.Task.WaitAsync(ctx.CancellationToken));
        string runId;
        var (before, firstProbe) = Build(workflow.Build(), store: store);
        using (firstProbe)
        {
            await using (before)
            {
                runId = (await before.StartAsync("resumed")).Id;
                await before.WaitForStepAsync(runId, "slow", StepStatus.Running);
            }

            Assert.Equal("Interrupted", Assert.Single(firstProbe.SpansOf(runId), s => s.DisplayName == "step slow").GetTagItem("opsflow.outcome"));
        }

        release.SetResult();
        var (after, probe) = Build(workflow.Build(), store: store);
        await using var _ = after;
        using var __ = probe;
        await after.Engine.RecoverAsync();
        await after.WaitForRunAsync(runId, RunStatus.Succeeded);
        await after.WaitUntilAsync(() => Task.FromResult(probe.SpansOf(runId).Any(s => s.ParentSpanId == default)), "the resumed root span to end", runId);

        var root = Assert.Single(probe.SpansOf(runId), s => s.ParentSpanId == default);
        Assert.Equal("run resumed (resumed)", root.DisplayName);
        Assert.Equal(RunTrace.TraceIdOf(runId), root.TraceId);
        Assert.Contains(probe.SpansOf(runId), s => s.DisplayName == "step slow" && (int)s.GetTagItem("opsflow.attempt")! == 2);
    }
}
