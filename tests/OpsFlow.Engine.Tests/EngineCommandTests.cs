using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Tests;

/// <summary>Cancel, pause, resume, retry, skip, roles and lock keys.</summary>
public class EngineCommandTests
{
    private readonly Journal _journal = new();
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private EngineHarness TwoSteps(Func<StepContext, Task>? first = null, string? lockKey = null, LockMode mode = LockMode.Refuse)
    {
        var workflow = new WorkflowBuilder("two");
        if (lockKey is not null)
        {
            workflow.Lock(lockKey, mode);
        }

        var a = workflow.Step("a", first ?? (async _ => { _journal.Add("a"); await _gate.Task; }));
        workflow.Step("b", _ => _journal.Add("b")).After(a);
        return new EngineHarness().Add(workflow.Build());
    }

    [Fact]
    public async Task Cancel_StopsTheRunningStep_AndEndsCancelled()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var harness = TwoSteps(async ctx =>
        {
            ctx.CancellationToken.Register(() => cancelled.TrySetResult());
            await Task.Delay(Timeout.InfiniteTimeSpan, ctx.Clock, ctx.CancellationToken);
        });
        var run = await harness.StartAsync("two");
        await harness.WaitForStepAsync(run.Id, "a", StepStatus.Running);

        var result = await harness.Engine.SendAsync(run.Id, new RunCommand.Cancel(EngineHarness.Carol, "wrong version"));

        Assert.Equal(CommandOutcome.Done, result.Outcome);
        Assert.Equal(RunStatus.Cancelled, result.Run!.Status);
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(5), TimeProvider.System);
        var steps = (await harness.Store.GetStepsAsync(run.Id)).ToDictionary(s => s.Name, s => s.Status);
        Assert.Equal((StepStatus.Cancelled, StepStatus.Cancelled), (steps["a"], steps["b"]));
        Assert.Contains("cancelled by Carol (carol): wrong version", await harness.HistoryTextAsync(run.Id), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_ByAnOperator_IsForbidden_BecauseItNeedsAdmin()
    {
        await using var harness = TwoSteps();
        var run = await harness.StartAsync("two");
        await harness.WaitForStepAsync(run.Id, "a", StepStatus.Running);

        var result = await harness.Engine.SendAsync(run.Id, new RunCommand.Cancel(EngineHarness.Alice, null));

        Assert.Equal(CommandOutcome.Forbidden, result.Outcome);
        Assert.Equal("Cancel needs the admin role, which you do not have.", result.Message);
        Assert.Equal(RunStatus.Running, (await harness.Store.GetRunAsync(run.Id))!.Status);
        _gate.SetResult();
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);
    }

    [Fact]
    public async Task Start_ByAViewer_IsForbidden()
    {
        await using var harness = TwoSteps();
        var result = await harness.Engine.StartAsync(new StartRunRequest("two", new Dictionary<string, string?>(), EngineHarness.Victor, "test"));
        Assert.Contains("operator role", Assert.IsType<StartRunResult.Forbidden>(result).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pause_LetsTheRunningStepFinish_ButStartsNothingNew_UntilResume()
    {
        await using var harness = TwoSteps();
        var run = await harness.StartAsync("two");
        await harness.WaitForStepAsync(run.Id, "a", StepStatus.Running);

        Assert.Equal(CommandOutcome.Done, (await harness.Engine.SendAsync(run.Id, new RunCommand.Pause(EngineHarness.Alice))).Outcome);
        _gate.SetResult();
        await harness.WaitForStepAsync(run.Id, "a", StepStatus.Succeeded);
        await harness.SettleAsync();
        Assert.Equal(["a"], _journal.Entries);
        // A launched step is saved as running before its body starts: the store shows a launch the journal may not yet.
        Assert.Equal(StepStatus.Pending, (await harness.StepAsync(run.Id, "b")).Status);
        Assert.Equal(RunStatus.Paused, (await harness.Store.GetRunAsync(run.Id))!.Status);

        Assert.Equal(CommandOutcome.Done, (await harness.Engine.SendAsync(run.Id, new RunCommand.Resume(EngineHarness.Alice))).Outcome);
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);
        Assert.Equal(["a", "b"], _journal.Entries);
    }

    [Fact]
    public async Task IllegalCommands_AreRefusedWithTheReason()
    {
        await using var harness = TwoSteps();
        var run = await harness.StartAsync("two");
        await harness.WaitForStepAsync(run.Id, "a", StepStatus.Running);

        var resume = await harness.Engine.SendAsync(run.Id, new RunCommand.Resume(EngineHarness.Alice));
        var retry = await harness.Engine.SendAsync(run.Id, new RunCommand.Retry(EngineHarness.Alice));
        var missing = await harness.Engine.SendAsync("no-such-run", new RunCommand.Pause(EngineHarness.Alice));

        Assert.Equal($"Run {run.Id} is Running; only a paused run can be resumed.", resume.Message);
        Assert.Equal(CommandOutcome.Refused, retry.Outcome);
        Assert.Equal(CommandOutcome.NotFound, missing.Outcome);
        _gate.SetResult();
    }

    [Fact]
    public async Task RetryFromFailed_KeepsWhatSucceeded_AndRunsTheFailedStepAgain()
    {
        var fail = true;
        var workflow = new WorkflowBuilder("retryable");
        var a = workflow.Step("a", _ => _journal.Add("a"));
        workflow.Step("b", _ =>
        {
            _journal.Add("b");
            if (fail)
            {
                throw new InvalidOperationException("flaky");
            }
        }).After(a);
        await using var harness = new EngineHarness().Add(workflow.Build());
        var run = await harness.StartAsync("retryable");
        await harness.WaitForRunAsync(run.Id, RunStatus.Failed);

        fail = false;
        var result = await harness.Engine.SendAsync(run.Id, new RunCommand.Retry(EngineHarness.Alice));

        Assert.Equal($"Run {run.Id} is running again from b.", result.Message);
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);
        Assert.Equal(["a", "b", "b"], _journal.Entries);
        Assert.Equal(2, (await harness.StepAsync(run.Id, "b")).Attempt);
    }

    [Fact]
    public async Task Skip_AFailedStep_LetsTheRunGoOn()
    {
        var workflow = new WorkflowBuilder("skippable");
        var a = workflow.Step("a", _ => throw new InvalidOperationException("optional thing broke"));
        workflow.Step("b", _ => _journal.Add("b")).After(a);
        await using var harness = new EngineHarness().Add(workflow.Build());
        var run = await harness.StartAsync("skippable");
        await harness.WaitForRunAsync(run.Id, RunStatus.Failed);

        var operatorTry = await harness.Engine.SendAsync(run.Id, new RunCommand.Skip(EngineHarness.Alice, "a", null));
        var adminTry = await harness.Engine.SendAsync(run.Id, new RunCommand.Skip(EngineHarness.Carol, "a", "known issue"));

        Assert.Equal(CommandOutcome.Forbidden, operatorTry.Outcome);
        Assert.Equal(CommandOutcome.Done, adminTry.Outcome);
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);
        Assert.Equal(["b"], _journal.Entries);
    }

    [Theory]
    [InlineData(RunStatus.Pending)]
    [InlineData(RunStatus.Paused)]
    [InlineData(RunStatus.WaitingForApproval)]
    [InlineData(RunStatus.Failed)]
    public async Task Cancel_FromEveryCancellableState_EndsCancelledAndReleasesTheLock(RunStatus from)
    {
        // "holder" takes the lock first when the target must wait in the queue (Pending).
        var holder = new WorkflowBuilder("holder").Lock("db", LockMode.Queue);
        holder.Step("hold", ctx => _gate.Task.WaitAsync(ctx.CancellationToken));
        var target = new WorkflowBuilder("target")
            .Parameter(new ParameterDefinition("mode", ParameterType.Choice) { OneOf = ["wait", "fail", "pass"] })
            .Lock("db", LockMode.Queue);
        var first = target.Step("first", ctx => ctx.Parameters["mode"] switch
        {
            "fail" => throw new InvalidOperationException("broken"),
            "pass" => Task.CompletedTask,
            _ => _gate.Task.WaitAsync(ctx.CancellationToken),
        });
        target.Approval("gate").After(first);
        await using var harness = new EngineHarness().Add(holder.Build()).Add(target.Build());

        var holding = from == RunStatus.Pending ? await harness.StartAsync("holder") : null;
        var mode = from switch { RunStatus.Failed => "fail", RunStatus.WaitingForApproval => "pass", _ => "wait" };
        var start = await harness.Engine.StartAsync(new StartRunRequest("target", new Dictionary<string, string?> { ["mode"] = mode }, EngineHarness.Alice, "test"));
        var run = start is StartRunResult.Queued queued ? queued.Run : Assert.IsType<StartRunResult.Started>(start).Run;
        if (from == RunStatus.Paused)
        {
            await harness.WaitForStepAsync(run.Id, "first", StepStatus.Running);
            await harness.Engine.SendAsync(run.Id, new RunCommand.Pause(EngineHarness.Alice));
        }

        await harness.WaitForRunAsync(run.Id, from);
        var result = await harness.Engine.SendAsync(run.Id, new RunCommand.Cancel(EngineHarness.Carol, "test"));

        Assert.Equal(CommandOutcome.Done, result.Outcome);
        await harness.WaitForRunAsync(run.Id, RunStatus.Cancelled);
        if (holding is null)
        {
            Assert.True(await harness.Store.TryAcquireLockAsync("db", "next"), "a cancelled run must not keep its lock");
        }
        else
        {
            Assert.False(await harness.Store.TryAcquireLockAsync("db", "next"), "cancelling a queued run must not free its holder's lock");
        }

        _gate.TrySetResult();
    }

    [Fact]
    public async Task Skip_AWaitingApproval_ByAnAdminWhoMayDecideIt_LetsTheRunGoOnWithoutIt()
    {
        var workflow = new WorkflowBuilder("skip-gate");
        var gate = workflow.Approval("gate").Approvers("carol");
        workflow.Step("after", _ => _journal.Add("after")).After(gate);
        await using var harness = new EngineHarness().Add(workflow.Build());
        var run = await harness.StartAsync("skip-gate");
        await harness.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);

        var result = await harness.Engine.SendAsync(run.Id, new RunCommand.Skip(EngineHarness.Carol, "gate", "approver on leave"));

        Assert.Equal(CommandOutcome.Done, result.Outcome);
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);
        Assert.Equal(StepStatus.Skipped, (await harness.StepAsync(run.Id, "gate")).Status);
        Assert.Equal(["after"], _journal.Entries);
    }

    [Fact]
    public async Task LockKey_SecondRunIsRefused_NamingTheHolder()
    {
        await using var harness = TwoSteps(lockKey: "web-app/prod");
        var first = await harness.StartAsync("two", EngineHarness.Alice);

        var second = await harness.Engine.StartAsync(new StartRunRequest("two", new Dictionary<string, string?>(), EngineHarness.Bob, "test"));

        var held = Assert.IsType<StartRunResult.LockHeld>(second);
        Assert.Equal(("web-app/prod", first.Id, "Alice"), (held.LockKey, held.Holder.Id, held.Holder.RequestedByName));
        Assert.Equal(1, (await harness.Store.ListRunsAsync(new())).Total);
        _gate.SetResult();
        await harness.WaitForRunAsync(first.Id, RunStatus.Succeeded);
        Assert.IsType<StartRunResult.Started>(await harness.Engine.StartAsync(new StartRunRequest("two", new Dictionary<string, string?>(), EngineHarness.Bob, "test")));
    }

    [Fact]
    public async Task LockKey_InQueueMode_StartsTheNextRunWhenTheHolderEnds()
    {
        await using var harness = TwoSteps(lockKey: "db/maintenance", mode: LockMode.Queue);
        var first = await harness.StartAsync("two");

        var second = await harness.Engine.StartAsync(new StartRunRequest("two", new Dictionary<string, string?>(), EngineHarness.Bob, "test"));
        var queued = Assert.IsType<StartRunResult.Queued>(second);
        Assert.Equal(first.Id, queued.HolderRunId);
        await harness.SettleAsync();
        Assert.Equal(RunStatus.Pending, (await harness.Store.GetRunAsync(queued.Run.Id))!.Status);

        _gate.SetResult();
        await harness.WaitForRunAsync(first.Id, RunStatus.Succeeded);
        await harness.WaitForRunAsync(queued.Run.Id, RunStatus.Succeeded);
        Assert.Equal(["a", "b", "a", "b"], _journal.Entries);
    }
}
