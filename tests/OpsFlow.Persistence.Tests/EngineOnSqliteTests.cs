using Microsoft.Extensions.Time.Testing;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Model;

namespace OpsFlow.Persistence.Tests;

/// <summary>The engine end to end on a real SQLite file: what the host runs.</summary>
public sealed class EngineOnSqliteTests
{
    private readonly Journal _journal = new();

    private InMemoryWorkflowCatalog Catalog(Func<StepContext, Task> middle)
    {
        var workflow = new WorkflowBuilder("deploy").Lock("web/prod");
        var build = workflow.Step("build", ctx => { _journal.Add("build"); ctx.SetOutput("artifact", "web-1.2"); }).Compensate(_ => _journal.Add("undo build"));
        var gate = workflow.Approval("gate").After(build).Approvers("role:ops-manager");
        var middleStep = workflow.Step("switch", middle).After(gate);
        workflow.Step("verify", ctx => _journal.Add($"verify {ctx.Output("build", "artifact")}")).After(middleStep);
        return new InMemoryWorkflowCatalog().Add(workflow.Build());
    }

    [Fact]
    public async Task ApprovalAndCrash_OnSqlite_RunFinishesAndNoCompletedStepRunsTwice()
    {
        var clock = new FakeTimeProvider(EngineHarness.Start);
        await using var database = await SqliteDatabase.CreateAsync(clock);
        string runId;
        await using (var before = new EngineHarness(database.Store, clock, Catalog(async ctx =>
        {
            _journal.Add($"switch#{ctx.Attempt}");
            await Task.Delay(Timeout.InfiniteTimeSpan, ctx.Clock, ctx.CancellationToken);
        })))
        {
            runId = (await before.StartAsync("deploy", EngineHarness.Alice)).Id;
            await before.WaitForRunAsync(runId, RunStatus.WaitingForApproval);
            var approved = await before.Engine.SendAsync(runId, new RunCommand.Decide(EngineHarness.Bob, null, ApprovalAction.Approve, null));
            Assert.Equal(CommandOutcome.Done, approved.Outcome);
            await before.WaitForStepAsync(runId, "switch", StepStatus.Running);
        }

        await using var after = new EngineHarness(database.Store, clock, Catalog(ctx =>
        {
            _journal.Add($"switch#{ctx.Attempt}");
            return Task.CompletedTask;
        }));
        await after.Engine.RecoverAsync();
        await after.WaitForRunAsync(runId, RunStatus.Succeeded);

        Assert.Equal(["build", "switch#1", "switch#2", "verify web-1.2"], _journal.Entries);
        Assert.True(await database.Store.TryAcquireLockAsync("web/prod", "next-run"), "the finished run must release its lock");
    }

    [Fact]
    public async Task ManyConcurrentRuns_OnSqlite_AllSucceed_WithEveryTransitionStored()
    {
        var workflow = new WorkflowBuilder("noop");
        var previous = workflow.Step("s0", _ => { });
        for (var i = 1; i < 5; i++)
        {
            previous = workflow.Step($"s{i}", _ => { }).After(previous);
        }

        await using var database = await SqliteDatabase.CreateAsync();
        await using var harness = new EngineHarness(database.Store, catalog: new InMemoryWorkflowCatalog().Add(workflow.Build()));
        var runs = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => harness.StartAsync("noop")));

        foreach (var run in runs)
        {
            await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);
        }

        foreach (var run in runs)
        {
            var history = await database.Store.GetHistoryAsync(run.Id);
            // created, Pending→Running, 5 × (Pending→Running, Running→Succeeded), Running→Succeeded
            Assert.Equal(13, history.Count);
            Assert.Equal(Enumerable.Range(1, 13).Select(i => (long)i), history.Select(h => h.Seq));
        }
    }
}
