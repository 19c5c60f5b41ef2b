using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Tests;

/// <summary>Retries, timeouts, ignorable failures and rollback (seed §6), driven by a fake clock.</summary>
public class EngineFailureTests
{
    private readonly Journal _journal = new();

    [Fact]
    public async Task Retry_WaitsWithExponentialBackoff_ThenSucceeds()
    {
        var attempts = 0;
        var workflow = new WorkflowBuilder("flaky");
        workflow.Step("call", ctx =>
        {
            _journal.Add($"attempt {ctx.Attempt}");
            if (Interlocked.Increment(ref attempts) < 3)
            {
                throw new InvalidOperationException("503 from upstream");
            }
        }).Retry(max: 3, initialDelay: TimeSpan.FromSeconds(30), backoff: 2.0);
        await using var harness = new EngineHarness().Add(workflow.Build());

        var run = await harness.StartAsync("flaky");
        var waiting = await harness.WaitForStepAsync(run.Id, "call", StepStatus.Waiting);
        Assert.Equal(EngineHarness.Start + TimeSpan.FromSeconds(30), waiting.DueAt);

        harness.Clock.Advance(TimeSpan.FromSeconds(29));
        await harness.SettleAsync();
        Assert.Equal(["attempt 1"], _journal.Entries);
        Assert.Equal((1, StepStatus.Waiting), (await harness.StepAsync(run.Id, "call")) is var call ? (call.Attempt, call.Status) : default);

        harness.Clock.Advance(TimeSpan.FromSeconds(1));
        await harness.WaitUntilAsync(async () => (await harness.StepAsync(run.Id, "call")) is { Attempt: 2, Status: StepStatus.Waiting }, "second retry wait");
        Assert.Equal(harness.Clock.GetUtcNow() + TimeSpan.FromSeconds(60), (await harness.StepAsync(run.Id, "call")).DueAt);

        harness.Clock.Advance(TimeSpan.FromSeconds(60));
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);
        Assert.Equal(["attempt 1", "attempt 2", "attempt 3"], _journal.Entries);
        Assert.Contains("retry 2 of 3 in 00:00:30", await harness.HistoryTextAsync(run.Id), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retry_Exhausted_FailsTheRunWithTheLastError()
    {
        var workflow = new WorkflowBuilder("doomed");
        workflow.Step("call", ctx => throw new InvalidOperationException($"boom {ctx.Attempt}")).Retry(2, TimeSpan.FromSeconds(5));
        await using var harness = new EngineHarness().Add(workflow.Build());

        var run = await harness.StartAsync("doomed");
        await harness.WaitForStepAsync(run.Id, "call", StepStatus.Waiting);
        harness.Clock.Advance(TimeSpan.FromSeconds(5));
        var failed = await harness.WaitForRunAsync(run.Id, RunStatus.Failed);

        Assert.Equal("step 'call' failed: boom 2", failed.Error);
        var step = await harness.StepAsync(run.Id, "call");
        Assert.Equal((StepStatus.Failed, 2), (step.Status, step.Attempt));
    }

    [Fact]
    public async Task Timeout_CancelsTheStepsToken_AndTheStepEndsTimedOut()
    {
        var sawCancel = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workflow = new WorkflowBuilder("slow");
        workflow.Step("hang", async ctx =>
        {
            ctx.CancellationToken.Register(() => sawCancel.TrySetResult());
            entered.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, ctx.Clock, ctx.CancellationToken);
        }).Timeout(TimeSpan.FromMinutes(10));
        await using var harness = new EngineHarness().Add(workflow.Build());

        var run = await harness.StartAsync("slow");
        await AttemptStartedAsync(entered);
        harness.Clock.Advance(TimeSpan.FromMinutes(10));

        var failed = await harness.WaitForRunAsync(run.Id, RunStatus.Failed);
        Assert.True(sawCancel.Task.IsCompleted, "the step's token was not cancelled");
        Assert.Equal(StepStatus.TimedOut, (await harness.StepAsync(run.Id, "hang")).Status);
        Assert.Equal("step 'hang' timed out: timed out after 00:10:00", failed.Error);
    }

    [Fact]
    public async Task Timeout_OfAStepThatIgnoresItsToken_StillEndsTheAttempt()
    {
        var release = new TaskCompletionSource();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workflow = new WorkflowBuilder("stubborn");
        workflow.Step("ignore", _ =>
        {
            entered.TrySetResult();
            return release.Task;
        }).Timeout(TimeSpan.FromSeconds(30));
        await using var harness = new EngineHarness().Add(workflow.Build());

        var run = await harness.StartAsync("stubborn");
        await AttemptStartedAsync(entered);
        harness.Clock.Advance(TimeSpan.FromSeconds(30));

        await harness.WaitForStepAsync(run.Id, "ignore", StepStatus.TimedOut);
        release.SetResult();
    }

    [Fact]
    public async Task ContinueOnError_FailureIsRecorded_AndTheRunGoesOn()
    {
        var workflow = new WorkflowBuilder("ignorable");
        var notify = workflow.Step("notify", _ => throw new InvalidOperationException("monitoring down")).ContinueOnError();
        workflow.Step("after", _ => _journal.Add("after")).After(notify);
        await using var harness = new EngineHarness().Add(workflow.Build());

        var run = await harness.StartAsync("ignorable");
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);

        Assert.Equal(["after"], _journal.Entries);
        var step = await harness.StepAsync(run.Id, "notify");
        Assert.Equal((StepStatus.Failed, "monitoring down"), (step.Status, step.Error));
    }

    [Fact]
    public async Task Failure_CompensatesCompletedSteps_InReverseOrderOfCompletion()
    {
        var workflow = new WorkflowBuilder("undo");
        var a = workflow.Step("a", _ => _journal.Add("do a")).Compensate(_ => _journal.Add("undo a"));
        var b = workflow.Step("b", _ => _journal.Add("do b")).After(a).Compensate(_ => _journal.Add("undo b"));
        var plain = workflow.Step("no-undo", _ => _journal.Add("do plain")).After(b);
        workflow.Step("c", _ => throw new InvalidOperationException("disk full")).After(plain);
        await using var harness = new EngineHarness().Add(workflow.Build());

        var run = await harness.StartAsync("undo");
        var rolledBack = await harness.WaitForRunAsync(run.Id, RunStatus.RolledBack);

        Assert.Equal(["do a", "do b", "do plain", "undo b", "undo a"], _journal.Entries);
        Assert.Equal("step 'c' failed: disk full", rolledBack.Error);
        var steps = (await harness.Store.GetStepsAsync(run.Id)).ToDictionary(s => s.Name, s => s.Status);
        Assert.Equal(StepStatus.Compensated, steps["a"]);
        Assert.Equal(StepStatus.Compensated, steps["b"]);
        Assert.Equal(StepStatus.Succeeded, steps["no-undo"]);
        var history = await harness.HistoryTextAsync(run.Id);
        Assert.Contains("Running->Failed", history, StringComparison.Ordinal);
        Assert.Contains("Failed->RollingBack", history, StringComparison.Ordinal);
        Assert.Contains("RollingBack->RolledBack", history, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rollback_StopsAtTheLatestCheckpoint()
    {
        var workflow = new WorkflowBuilder("checkpointed");
        var build = workflow.Step("build", _ => _journal.Add("build")).Compensate(_ => _journal.Add("undo build"));
        var checkpoint = workflow.Checkpoint("pre-deploy").After(build);
        var stop = workflow.Step("stop", _ => _journal.Add("stop")).After(checkpoint).Compensate(_ => _journal.Add("start again"));
        workflow.Step("deploy", _ => throw new InvalidOperationException("bad artifact")).After(stop);
        await using var harness = new EngineHarness().Add(workflow.Build());

        var run = await harness.StartAsync("checkpointed");
        await harness.WaitForRunAsync(run.Id, RunStatus.RolledBack);

        Assert.Equal(["build", "stop", "start again"], _journal.Entries);
        Assert.Equal(StepStatus.Succeeded, (await harness.StepAsync(run.Id, "build")).Status);
    }

    [Fact]
    public async Task FailingCompensation_EndsTheRunFailed_NamingTheStep()
    {
        var workflow = new WorkflowBuilder("stuck");
        var a = workflow.Step("a", _ => _journal.Add("do a")).Compensate(_ => _journal.Add("undo a"));
        var b = workflow.Step("b", _ => _journal.Add("do b")).After(a).Compensate(_ => throw new InvalidOperationException("cannot restore"));
        workflow.Step("c", _ => throw new InvalidOperationException("broken")).After(b);
        await using var harness = new EngineHarness().Add(workflow.Build());

        var run = await harness.StartAsync("stuck");
        var failed = await harness.WaitForRunAsync(run.Id, RunStatus.Failed);
        await harness.WaitForStepAsync(run.Id, "b", StepStatus.CompensationFailed);

        Assert.Equal("compensation of step 'b' failed: cannot restore; the run needs a human", failed.Error);
        Assert.Equal(["do a", "do b"], _journal.Entries);
        Assert.Equal(StepStatus.Succeeded, (await harness.StepAsync(run.Id, "a")).Status);
    }

    [Fact]
    public async Task Failure_CancelsSiblingsStillRunning()
    {
        var sibling = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workflow = new WorkflowBuilder("siblings");
        workflow.Step("long", async ctx =>
        {
            sibling.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, ctx.Clock, ctx.CancellationToken);
        });
        workflow.Step("short", async _ =>
        {
            await sibling.Task;
            throw new InvalidOperationException("nope");
        });
        await using var harness = new EngineHarness().Add(workflow.Build());

        var run = await harness.StartAsync("siblings");
        await harness.WaitForRunAsync(run.Id, RunStatus.Failed);

        Assert.Equal(StepStatus.Cancelled, (await harness.StepAsync(run.Id, "long")).Status);
    }

    [Fact]
    public async Task Failure_WithNothingToUndo_StaysFailed_AndReleasesTheLock()
    {
        var workflow = new WorkflowBuilder("locked").Lock("web/prod");
        workflow.Step("a", _ => throw new InvalidOperationException("x"));
        await using var harness = new EngineHarness().Add(workflow.Build());

        var run = await harness.StartAsync("locked");
        await harness.WaitForRunAsync(run.Id, RunStatus.Failed);

        Assert.True(await harness.Store.TryAcquireLockAsync("web/prod", "someone-else"), "a failed run must not keep its lock");
        Assert.Contains("nothing to roll back", await harness.HistoryTextAsync(run.Id), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TimerFiredEarly_IsRearmed_NotLost()
    {
        var attempts = 0;
        var workflow = new WorkflowBuilder("early");
        workflow.Step("call", _ =>
        {
            if (Interlocked.Increment(ref attempts) == 1)
            {
                throw new InvalidOperationException("first");
            }
        }).Retry(2, TimeSpan.FromMinutes(1));
        await using var harness = new EngineHarness().Add(workflow.Build());

        var run = await harness.StartAsync("early");
        await harness.WaitForStepAsync(run.Id, "call", StepStatus.Waiting);
        await harness.Engine.OnTimerAsync(new WorkflowTimer(run.Id, "call", TimerKind.Retry, harness.Clock.GetUtcNow(), "a stray early firing"));
        await harness.SettleAsync();
        Assert.Equal(1, attempts);

        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);
        Assert.Equal(2, attempts);
    }

    /// <summary>
    /// Waits until the step's body runs. Its record says Running as soon as the attempt is saved, but its timeout is armed
    /// on the clock only when the attempt starts executing; advancing the clock before that (a loaded machine) would let
    /// the timeout start from the advanced time and never fire.
    /// </summary>
    private static Task AttemptStartedAsync(TaskCompletionSource entered) => entered.Task.WaitAsync(Wait.DefaultWithin);
}
