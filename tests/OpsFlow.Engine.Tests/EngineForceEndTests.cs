using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Tests;

/// <summary>
/// A run whose workflow can no longer be loaded takes no command and would hold its lock for ever; an admin's cancel
/// force-ends it in the store, and the run queued behind its lock goes on.
/// </summary>
public sealed class EngineForceEndTests
{
    private readonly InMemoryRunStore _store = new();

    private static WorkflowDefinition Locked(string name, Func<StepContext, Task> work)
    {
        var workflow = new WorkflowBuilder(name).Lock("web-app/prod", LockMode.Queue);
        workflow.Step("work", work);
        return workflow.Build();
    }

    [Fact]
    public async Task CancelOfARunWhoseCodeIsGone_IsForAdminsOnly_EndsItWithWhy_AndTheQueuedRunGetsTheLock()
    {
        string zombie, queued;
        await using (var before = new EngineHarness(_store, catalog: new InMemoryWorkflowCatalog()
            .Add(Locked("zombie", ctx => Task.Delay(Timeout.InfiniteTimeSpan, ctx.Clock, ctx.CancellationToken)))
            .Add(Locked("next", _ => Task.CompletedTask))))
        {
            zombie = (await before.StartAsync("zombie")).Id;
            await before.WaitForStepAsync(zombie, "work", StepStatus.Running);
            var second = await before.Engine.StartAsync(new StartRunRequest("next", new Dictionary<string, string?>(), EngineHarness.Alice, "test"));
            queued = Assert.IsType<StartRunResult.Queued>(second).Run.Id;
        }

        // The script of "zombie" was deleted while the host was down.
        await using var after = new EngineHarness(_store, catalog: new InMemoryWorkflowCatalog().Add(Locked("next", _ => Task.CompletedTask)));
        await after.Engine.RecoverAsync();

        var paused = await after.Engine.SendAsync(zombie, new RunCommand.Pause(EngineHarness.Alice));
        Assert.Contains("An admin can still end it with cancel", paused.Message, StringComparison.Ordinal);
        var byOperator = await after.Engine.SendAsync(zombie, new RunCommand.Cancel(EngineHarness.Alice, "stuck"));
        Assert.Equal(CommandOutcome.Forbidden, byOperator.Outcome);
        Assert.Equal(RunStatus.Running, (await _store.GetRunAsync(zombie))!.Status);

        var byAdmin = await after.Engine.SendAsync(zombie, new RunCommand.Cancel(EngineHarness.Carol, "script deleted by mistake"));

        Assert.True(byAdmin.Outcome == CommandOutcome.Done, byAdmin.Message);
        var ended = (await _store.GetRunAsync(zombie))!;
        Assert.Equal(RunStatus.Cancelled, ended.Status);
        Assert.StartsWith("force-ended by Carol (carol): its workflow 'zombie' could not be loaded", ended.Error, StringComparison.Ordinal);
        Assert.Contains("script deleted by mistake", ended.Error, StringComparison.Ordinal);
        Assert.Equal(StepStatus.Cancelled, (await _store.GetStepsAsync(zombie)).Single().Status);
        Assert.Contains(await _store.GetHistoryAsync(zombie), h => h.Kind == HistoryKind.Run && h.To == nameof(RunStatus.Cancelled) && h.Actor == "Carol (carol)");
        await after.WaitForRunAsync(queued, RunStatus.Succeeded);
    }
}
