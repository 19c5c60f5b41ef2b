using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Tests;

/// <summary>The emergency stop: admins only, running runs paused, nothing new starts anywhere, and lifting it resumes what it paused.</summary>
public sealed class EngineEmergencyStopTests
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private InMemoryWorkflowCatalog Catalog()
    {
        var held = new WorkflowBuilder("held");
        held.Step("work", async _ => await _release.Task);
        held.Step("after", _ => { }).After("work");
        var gated = new WorkflowBuilder("gated");
        var gate = gated.Approval("gate").Approvers("role:ops-manager");
        gated.Step("ship", _ => { }).After(gate);
        return new InMemoryWorkflowCatalog().Add(held.Build()).Add(gated.Build());
    }

    [Fact]
    public async Task StopAll_PausesWhatRuns_RefusesStarts_PausesAnApprovedRun_AndResumeAll_ResumesOnlyWhatItPaused()
    {
        await using var h = new EngineHarness(catalog: Catalog());
        var stops = h.Get<EmergencyStopCommands>();
        var pausedBefore = await h.StartAsync("held", EngineHarness.Alice);
        await h.WaitForStepAsync(pausedBefore.Id, "work", StepStatus.Running);
        Assert.Equal(CommandOutcome.Done, (await h.Engine.SendAsync(pausedBefore.Id, new RunCommand.Pause(EngineHarness.Alice))).Outcome);
        h.Clock.Advance(TimeSpan.FromMinutes(1));
        var running = await h.StartAsync("held", EngineHarness.Alice);
        await h.WaitForStepAsync(running.Id, "work", StepStatus.Running);
        var gated = await h.StartAsync("gated", EngineHarness.Alice);
        await h.WaitForRunAsync(gated.Id, RunStatus.WaitingForApproval);

        Assert.Equal(CommandOutcome.Forbidden, (await stops.StopAllAsync(EngineHarness.Alice, "disk full")).Outcome);
        Assert.Equal(CommandOutcome.Refused, (await stops.StopAllAsync(EngineHarness.Carol, " ")).Outcome);
        var stopped = await stops.StopAllAsync(EngineHarness.Carol, "database failover in progress");

        Assert.Equal(CommandOutcome.Done, stopped.Outcome);
        Assert.Equal([running.Id], stopped.Runs);
        Assert.Equal(RunStatus.Paused, (await h.Store.GetRunAsync(running.Id))!.Status);
        var refused = Assert.IsType<StartRunResult.Forbidden>(await h.Engine.StartAsync(new StartRunRequest("held", new Dictionary<string, string?>(), EngineHarness.Alice, "test")));
        Assert.Contains("emergency stop by Carol", refused.Reason, StringComparison.Ordinal);
        Assert.Contains("database failover in progress", refused.Reason, StringComparison.Ordinal);

        // Approving during the stop is allowed, but the approved run starts nothing: it pauses.
        Assert.Equal(CommandOutcome.Done, (await h.Engine.SendAsync(gated.Id, new RunCommand.Decide(EngineHarness.Bob, "gate", ApprovalAction.Approve, null))).Outcome);
        await h.WaitForRunAsync(gated.Id, RunStatus.Paused);
        Assert.Equal(StepStatus.Pending, (await h.StepAsync(gated.Id, "ship")).Status);
        _release.SetResult();
        await h.WaitForStepAsync(running.Id, "work", StepStatus.Succeeded);
        Assert.Equal(StepStatus.Pending, (await h.StepAsync(running.Id, "after")).Status);

        Assert.Equal(CommandOutcome.Forbidden, (await stops.ResumeAllAsync(EngineHarness.Bob)).Outcome);
        var lifted = await stops.ResumeAllAsync(EngineHarness.Carol);

        Assert.Equal(CommandOutcome.Done, lifted.Outcome);
        Assert.Equal(new[] { gated.Id, running.Id }.Order(StringComparer.Ordinal), lifted.Runs.Order(StringComparer.Ordinal));
        await h.WaitForRunAsync(running.Id, RunStatus.Succeeded);
        await h.WaitForRunAsync(gated.Id, RunStatus.Succeeded);
        Assert.Equal(RunStatus.Paused, (await h.Store.GetRunAsync(pausedBefore.Id))!.Status);
        Assert.Equal(CommandOutcome.Refused, (await stops.ResumeAllAsync(EngineHarness.Carol)).Outcome);
    }

    [Fact]
    public async Task AStopInTheStore_SurvivesARestart_TheNewEngineRefusesStarts_AndARecoveredRunStartsNoStep()
    {
        var store = new InMemoryRunStore();
        var stops = new InMemoryEmergencyStopStore();
        string runId;
        await using (var before = new EngineHarness(store, catalog: Catalog(), emergencyStops: stops))
        {
            runId = (await before.StartAsync("held", EngineHarness.Alice)).Id;
            await before.WaitForStepAsync(runId, "work", StepStatus.Running);
            await before.Get<EmergencyStopCommands>().StopAllAsync(EngineHarness.Carol, "network partition");
        }

        _release.SetResult();
        await using var after = new EngineHarness(store, catalog: Catalog(), emergencyStops: stops);
        await after.Engine.RecoverAsync();

        Assert.IsType<StartRunResult.Forbidden>(await after.Engine.StartAsync(new StartRunRequest("held", new Dictionary<string, string?>(), EngineHarness.Alice, "test")));
        Assert.Equal(RunStatus.Paused, (await store.GetRunAsync(runId))!.Status);
        await after.Get<EmergencyStopCommands>().ResumeAllAsync(EngineHarness.Carol);
        await after.WaitForRunAsync(runId, RunStatus.Succeeded);
    }
}
