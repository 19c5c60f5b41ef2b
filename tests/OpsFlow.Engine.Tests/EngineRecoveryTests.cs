using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Tests;

/// <summary>
/// A restart in-process: one engine stops mid-run (its durable state stays as it was), a second engine on the
/// same store resumes. The crash test in OpsFlow.Bot.Tests does the same with SIGKILL and a real database.
/// </summary>
public class EngineRecoveryTests
{
    private readonly Journal _journal = new();
    private readonly InMemoryRunStore _store = new();

    private InMemoryWorkflowCatalog Catalog(Func<StepContext, Task> second, Action<StepBuilder>? configure = null)
    {
        var workflow = new WorkflowBuilder("resumable");
        var a = workflow.Step("a", _ => _journal.Add("a")).Compensate(_ => _journal.Add("undo a"));
        var b = workflow.Step("b", second).After(a);
        configure?.Invoke(b);
        workflow.Step("c", _ => _journal.Add("c")).After(b);
        return new InMemoryWorkflowCatalog().Add(workflow.Build());
    }

    [Fact]
    public async Task Restart_RerunsTheInterruptedStep_WithAHigherAttemptAndTheSameKey_AndNeverACompletedOne()
    {
        string runId;
        var keys = new List<string>();
        await using (var before = new EngineHarness(_store, catalog: Catalog(async ctx =>
        {
            keys.Add($"{ctx.IdempotencyKey}#{ctx.Attempt}");
            await Task.Delay(Timeout.InfiniteTimeSpan, ctx.Clock, ctx.CancellationToken);
        })))
        {
            runId = (await before.StartAsync("resumable")).Id;
            await before.WaitForStepAsync(runId, "b", StepStatus.Running);
        }

        await using var after = new EngineHarness(_store, catalog: Catalog(ctx =>
        {
            keys.Add($"{ctx.IdempotencyKey}#{ctx.Attempt}");
            return Task.CompletedTask;
        }));
        Assert.Equal(1, await after.Engine.RecoverAsync());
        await after.WaitForRunAsync(runId, RunStatus.Succeeded);

        Assert.Equal(["a", "c"], _journal.Entries);
        Assert.Equal([$"{runId}/b#1", $"{runId}/b#2"], keys);
        Assert.Contains("attempt 1 was interrupted by the restart; running it again as attempt 2", await after.HistoryTextAsync(runId), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_KeepsAWaitingApprovalWaiting_AndItsDeadlineStillFires()
    {
        string runId;
        await using (var before = new EngineHarness(_store, catalog: Catalog(_ => Task.CompletedTask)))
        {
            before.Add(GatedWorkflow());
            runId = (await before.StartAsync("gated")).Id;
            await before.WaitForRunAsync(runId, RunStatus.WaitingForApproval);
        }

        var catalog = new InMemoryWorkflowCatalog().Add(GatedWorkflow());
        await using var after = new EngineHarness(_store, catalog: catalog);
        await after.Engine.RecoverAsync();
        await after.SettleAsync();
        Assert.Equal(RunStatus.WaitingForApproval, (await _store.GetRunAsync(runId))!.Status);

        after.Clock.Advance(TimeSpan.FromHours(1));
        await after.WaitForStepAsync(runId, "gate", StepStatus.TimedOut);
        await after.WaitForRunAsync(runId, RunStatus.Failed);
    }

    [Fact]
    public async Task Restart_AfterTheDeadlinePassedWhileDown_FiresTheTimeoutOnceAtStart()
    {
        string runId;
        await using (var before = new EngineHarness(_store, catalog: new InMemoryWorkflowCatalog().Add(GatedWorkflow())))
        {
            runId = (await before.StartAsync("gated")).Id;
            await before.WaitForRunAsync(runId, RunStatus.WaitingForApproval);
        }

        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(EngineHarness.Start + TimeSpan.FromHours(5));
        await using var after = new EngineHarness(_store, clock, new InMemoryWorkflowCatalog().Add(GatedWorkflow()));
        await after.Engine.RecoverAsync();

        await after.WaitForRunAsync(runId, RunStatus.Failed);
        var timeouts = (await _store.GetHistoryAsync(runId)).Count(h => h.To == nameof(StepStatus.TimedOut));
        Assert.Equal(1, timeouts);
    }

    [Fact]
    public async Task Restart_DuringARetryDelay_RetriesOnceAtTheStoredTime()
    {
        var attempts = 0;
        string runId;
        Func<StepContext, Task> flaky = ctx =>
        {
            _journal.Add($"b#{ctx.Attempt}");
            return Interlocked.Increment(ref attempts) == 1 ? throw new InvalidOperationException("first") : Task.CompletedTask;
        };
        await using (var before = new EngineHarness(_store, catalog: Catalog(flaky, b => b.Retry(3, TimeSpan.FromMinutes(5)))))
        {
            runId = (await before.StartAsync("resumable")).Id;
            await before.WaitForStepAsync(runId, "b", StepStatus.Waiting);
        }

        await using var after = new EngineHarness(_store, catalog: Catalog(flaky, b => b.Retry(3, TimeSpan.FromMinutes(5))));
        await after.Engine.RecoverAsync();
        after.Clock.Advance(TimeSpan.FromMinutes(4));
        await after.SettleAsync();
        Assert.Equal(["a", "b#1"], _journal.Entries);

        after.Clock.Advance(TimeSpan.FromMinutes(1));
        await after.WaitForRunAsync(runId, RunStatus.Succeeded);
        Assert.Equal(["a", "b#1", "b#2", "c"], _journal.Entries);
    }

    [Fact]
    public async Task Restart_DuringRollback_FinishesTheRollback()
    {
        var hold = new TaskCompletionSource();
        string runId;
        var workflow = (Func<StepContext, Task> undo) =>
        {
            var w = new WorkflowBuilder("undo");
            var a = w.Step("a", _ => _journal.Add("a")).Compensate(_ => _journal.Add("undo a"));
            var b = w.Step("b", _ => _journal.Add("b")).After(a).Compensate(undo);
            w.Step("c", _ => throw new InvalidOperationException("x")).After(b);
            return new InMemoryWorkflowCatalog().Add(w.Build());
        };
        await using (var before = new EngineHarness(_store, catalog: workflow(ctx => hold.Task.WaitAsync(ctx.CancellationToken))))
        {
            runId = (await before.StartAsync("undo")).Id;
            await before.WaitForStepAsync(runId, "b", StepStatus.Compensating);
        }

        await using var after = new EngineHarness(_store, catalog: workflow(_ => { _journal.Add("undo b"); return Task.CompletedTask; }));
        await after.Engine.RecoverAsync();

        await after.WaitForRunAsync(runId, RunStatus.RolledBack);
        Assert.Equal(["a", "b", "undo b", "undo a"], _journal.Entries);
    }

    [Fact]
    public async Task Restart_WithTheWorkflowGone_LeavesTheRunForTheNextStart()
    {
        string runId;
        await using (var before = new EngineHarness(_store, catalog: Catalog(ctx => Task.Delay(Timeout.InfiniteTimeSpan, ctx.Clock, ctx.CancellationToken))))
        {
            runId = (await before.StartAsync("resumable")).Id;
            await before.WaitForStepAsync(runId, "b", StepStatus.Running);
        }

        await using var after = new EngineHarness(_store);
        Assert.Equal(0, await after.Engine.RecoverAsync());
        Assert.Equal(RunStatus.Running, (await _store.GetRunAsync(runId))!.Status);
        var refused = await after.Engine.SendAsync(runId, new RunCommand.Pause(EngineHarness.Alice));
        Assert.NotEqual(CommandOutcome.Done, refused.Outcome);
    }

    [Fact]
    public async Task FailedSave_ReloadsTheRunFromTheStore_AndItFinishesWithoutLosingAStep()
    {
        // Save 3 is "b succeeded, c running": it fails, so the store still says b is running.
        var store = new FailingStore(_store, failSave: 3);
        await using var harness = new EngineHarness(store, catalog: Catalog(ctx => { _journal.Add($"b#{ctx.Attempt}"); return Task.CompletedTask; }));

        var run = await harness.StartAsync("resumable");
        await harness.WaitUntilAsync(() => Task.FromResult(store.Failures == 1), "the failing save");
        await harness.SettleAsync();
        Assert.Equal(["a", "b#1"], _journal.Entries);

        harness.Clock.Advance(new EngineOptions().ReviveDelay);
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);

        Assert.Equal(["a", "b#1", "b#2", "c"], _journal.Entries);
        Assert.Contains("run reloaded from the database", await harness.HistoryTextAsync(run.Id), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PersistentSaveFailure_BacksOffBetweenReloads_InsteadOfSpinning()
    {
        var store = new FailingStore(_store, failSave: 2, keepFailing: true);
        var options = new EngineOptions { ReviveDelay = TimeSpan.FromSeconds(2) };
        await using var harness = new EngineHarness(store, catalog: Catalog(_ => Task.CompletedTask), options: options);

        await harness.StartAsync("resumable");
        await harness.WaitUntilAsync(() => Task.FromResult(store.Failures == 1), "the first failing save");

        // Reloads come 2 s, then 4 s, then 8 s after each failure.
        foreach (var (wait, expected) in new[] { (2, 2), (2, 2), (2, 3), (4, 3), (4, 4) })
        {
            // The reload's delay is measured from when it is armed: move the clock only once it is.
            await harness.WaitUntilAsync(() => Task.FromResult(harness.Engine.PendingRevives == 1), "the next reload to be armed");
            harness.Clock.Advance(TimeSpan.FromSeconds(wait));
            if (store.Failures != expected)
            {
                await harness.WaitUntilAsync(() => Task.FromResult(store.Failures == expected), $"{expected} failures");
            }

            await harness.SettleAsync();
            Assert.Equal(expected, store.Failures);
        }
    }

    private static WorkflowDefinition GatedWorkflow()
    {
        var workflow = new WorkflowBuilder("gated");
        var gate = workflow.Approval("gate").Timeout(TimeSpan.FromHours(1));
        workflow.Step("after", _ => { }).After(gate);
        return workflow.Build();
    }
}
