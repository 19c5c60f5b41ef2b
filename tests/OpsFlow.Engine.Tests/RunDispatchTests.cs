using System.Collections.Concurrent;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Tests;

/// <summary>The engine tells the scheduler when a run starts executing, and lets a job wait until it stops.</summary>
public sealed class RunDispatchTests
{
    private sealed class Recorder : IRunDispatcher
    {
        public ConcurrentQueue<string> Busy { get; } = new();

        public Task RunBusyAsync(string runId, CancellationToken cancellationToken = default)
        {
            Busy.Enqueue(runId);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task DriveAsync_UntilTheRunWaitsForApproval_ThenAgainAfterTheDecision()
    {
        var dispatcher = new Recorder();
        await using var harness = new EngineHarness(dispatcher: dispatcher);
        var release = new TaskCompletionSource();
        var workflow = new WorkflowBuilder("gated");
        var build = workflow.Step("build", _ => release.Task);
        var gate = workflow.Approval("gate").After(build).Approvers("role:ops-manager");
        workflow.Step("deploy", _ => { }).After(gate);
        harness.Add(workflow.Build());

        var run = await harness.StartAsync("gated");
        var driving = harness.Engine.DriveAsync(run.Id);
        await harness.WaitForStepAsync(run.Id, "build", StepStatus.Running);
        Assert.False(driving.IsCompleted, "the run is executing its build step");
        release.SetResult();

        Assert.Equal(RunStatus.WaitingForApproval, await driving.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal([run.Id], dispatcher.Busy);

        await harness.Engine.SendAsync(run.Id, new RunCommand.Decide(EngineHarness.Bob, null, ApprovalAction.Approve, null));
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);
        Assert.Equal(2, dispatcher.Busy.Count);
        Assert.Null(await harness.Engine.DriveAsync(run.Id));
    }
}
