using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Model;
using Quartz;

namespace OpsFlow.Scheduling.Tests;

/// <summary>A run that executes steps is a Quartz job of its own, which requests recovery, until it is idle.</summary>
public sealed class RunJobTests
{
    private static readonly Actor Olivia = new("olivia", "Olivia", new HashSet<string> { Roles.Operator });

    [Fact]
    public async Task ExecutingRun_IsARecoverableQuartzJob_UntilNoStepExecutes()
    {
        var release = new TaskCompletionSource();
        var catalog = new InMemoryWorkflowCatalog();
        var workflow = new WorkflowBuilder("slow");
        workflow.Step("wait", _ => release.Task);
        catalog.Add(workflow.Build());
        var store = new InMemoryRunStore();
        await using var host = await SchedulingHost.StartAsync(SchedulingHost.NewFolder(), catalog, store);
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();

        var started = Assert.IsType<StartRunResult.Started>(await host.Engine.StartAsync(new StartRunRequest("slow", new Dictionary<string, string?>(), Olivia, "test")));
        var key = new JobKey(started.Run.Id, "opsflow-runs");
        await Wait.UntilAsync(async () => await scheduler.Exists(key), "the run's job to be scheduled");

        var job = (await scheduler.GetJobDetail(key))!;
        Assert.True(job.RequestsRecovery, "a run's job must be re-fired after a crash");
        Assert.True(job.ConcurrentExecutionDisallowed, "a run's job must never execute twice at once");
        release.SetResult();
        await Wait.UntilAsync(async () => (await store.GetRunAsync(started.Run.Id))!.Status == RunStatus.Succeeded, "the run to succeed");
        await Wait.UntilAsync(async () => !await scheduler.Exists(key), "the run's job to be gone once the run is idle");
    }
}
