using Microsoft.Extensions.Logging.Abstractions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Scripting.Tests;

/// <summary>A run interrupted by a restart resumes with the code it started with, even if the file changed.</summary>
public sealed class ScriptResumeTests : IDisposable
{
    private static readonly Actor Operator = new("olivia", "Olivia", new HashSet<string> { Roles.Operator });
    private readonly ScriptFolder _folder = new();
    private readonly InMemoryRunStore _store = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Recover_AfterTheScriptChanged_ResumesWithTheStoredVersion()
    {
        _folder.Write("release.csx", """
            Workflow("release");
            var first = Step("first", ctx => ctx.SetOutput("code", "v1"));
            Step("wait", async ctx =>
            {
                // The first attempt hangs until the host stops; the attempt after the restart finishes.
                if (ctx.Attempt == 1) await Task.Delay(Timeout.InfiniteTimeSpan, ctx.Clock, ctx.CancellationToken);
                ctx.SetOutput("code", "v1 resumed");
            }).After(first);
            """);
        await _folder.Catalog.ReloadAsync();
        var engine = NewEngine(_folder.Catalog);
        var started = Assert.IsType<StartRunResult.Started>(await engine.StartAsync(new StartRunRequest("release", new Dictionary<string, string?>(), Operator, "test")));
        await WaitAsync(async () => (await _store.GetStepsAsync(started.Run.Id)).Any(s => s.Name == "wait" && s.Status == StepStatus.Running), "the wait step to run");
        await engine.DisposeAsync();

        _folder.Write("release.csx", """Workflow("release"); Step("rewritten", ctx => ctx.SetOutput("code", "v2"));""");
        using var restarted = _folder.NewCatalog();
        await restarted.ReloadAsync();
        await using var engineAfterRestart = NewEngine(restarted);
        await engineAfterRestart.RecoverAsync();
        await WaitAsync(async () => (await _store.GetRunAsync(started.Run.Id))!.Status == RunStatus.Succeeded, "the resumed run to succeed");

        var steps = await _store.GetStepsAsync(started.Run.Id);
        Assert.Equal(["first", "wait"], steps.Select(s => s.Name));
        Assert.Equal("v1 resumed", steps.Single(s => s.Name == "wait").Outputs["code"]);
        Assert.Equal(started.Run.WorkflowVersion, (await _store.GetRunAsync(started.Run.Id))!.WorkflowVersion);
        Assert.NotEqual(started.Run.WorkflowVersion, restarted.Find("release")!.Version);
    }

    private WorkflowEngine NewEngine(IWorkflowCatalog catalog)
    {
        WorkflowEngine? engine = null;
        var timers = new InProcessTimers(TimeProvider.System, () => engine!);
        engine = new WorkflowEngine(_store, catalog, timers, [], TimeProvider.System, new EngineOptions(), NullLogger<WorkflowEngine>.Instance);
        return engine;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (long)(TimeProvider.System.TimestampFrequency * 20);
        while (!await condition())
        {
            Assert.True(TimeProvider.System.GetTimestamp() < deadline, $"timed out waiting for {what}");
            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System);
        }
    }
}
