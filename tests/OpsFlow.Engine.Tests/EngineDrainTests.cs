using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Tests;

/// <summary>A graceful stop (SIGTERM): running steps finish and are saved within the grace period; nothing new starts.</summary>
public class EngineDrainTests
{
    private readonly InMemoryRunStore _store = new();
    private readonly Journal _journal = new();

    private InMemoryWorkflowCatalog Catalog(TaskCompletionSource gate)
    {
        var workflow = new WorkflowBuilder("chain");
        var first = workflow.Step("first", async ctx =>
        {
            _journal.Add($"first {ctx.Attempt}");
            await gate.Task.WaitAsync(ctx.CancellationToken);
        });
        workflow.Step("second", _ => _journal.Add("second")).After(first);
        return new InMemoryWorkflowCatalog().Add(workflow.Build());
    }

    [Fact]
    public async Task Drain_LetsTheRunningStepFinishAndSaves_ButStartsNothingNew_AndTheRestartGoesOn()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string runId;
        await using (var before = new EngineHarness(_store, catalog: Catalog(gate)))
        {
            runId = (await before.StartAsync("chain")).Id;
            await before.WaitForStepAsync(runId, "first", StepStatus.Running);

            var draining = before.Engine.DrainAsync(TimeSpan.FromSeconds(30));
            await before.SettleAsync();
            Assert.False(draining.IsCompleted, "the drain waits for the running step");
            gate.SetResult();

            Assert.Equal(0, await draining.WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System));
            Assert.Equal(StepStatus.Succeeded, (await before.StepAsync(runId, "first")).Status);
            Assert.Equal(StepStatus.Pending, (await before.StepAsync(runId, "second")).Status);
            Assert.Equal(["first 1"], _journal.Entries);
        }

        await using var after = new EngineHarness(_store, catalog: Catalog(gate));
        await after.Engine.RecoverAsync();
        await after.WaitForRunAsync(runId, RunStatus.Succeeded);
        Assert.True(_journal.Entries.SequenceEqual(["first 1", "second"]), "the finished step is not run again: " + string.Join(", ", _journal.Entries));
    }

    [Fact]
    public async Task Drain_WhenTheLastStepFinishes_TheRunEndsBeforeTheEngineStops()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workflow = new WorkflowBuilder("one");
        workflow.Step("only", async ctx => await gate.Task.WaitAsync(ctx.CancellationToken));
        await using var harness = new EngineHarness(_store, catalog: new InMemoryWorkflowCatalog().Add(workflow.Build()));
        var runId = (await harness.StartAsync("one")).Id;
        await harness.WaitForStepAsync(runId, "only", StepStatus.Running);

        var draining = harness.Engine.DrainAsync(TimeSpan.FromSeconds(30));
        await harness.SettleAsync();
        gate.SetResult();

        Assert.Equal(0, await draining.WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System));
        Assert.Equal(RunStatus.Succeeded, (await _store.GetRunAsync(runId))?.Status);
    }

    [Fact]
    public async Task Drain_GivesUpAfterTheGracePeriod_AndTheStepRunsAgainAtTheNextStart()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string runId;
        await using (var before = new EngineHarness(_store, catalog: Catalog(gate)))
        {
            runId = (await before.StartAsync("chain")).Id;
            await before.WaitForStepAsync(runId, "first", StepStatus.Running);

            var draining = before.Engine.DrainAsync(TimeSpan.FromSeconds(30));
            await before.SettleAsync();
            before.Clock.Advance(TimeSpan.FromSeconds(30));

            Assert.Equal(1, await draining.WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System));
            Assert.Equal(StepStatus.Running, (await before.StepAsync(runId, "first")).Status);
        }

        gate.SetResult();
        await using var after = new EngineHarness(_store, catalog: Catalog(gate));
        await after.Engine.RecoverAsync();
        await after.WaitForRunAsync(runId, RunStatus.Succeeded);
        Assert.True(_journal.Entries.SequenceEqual(["first 1", "first 2", "second"]), "the cut-short step runs again: " + string.Join(", ", _journal.Entries));
    }
}
