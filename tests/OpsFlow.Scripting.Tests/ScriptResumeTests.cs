using OpsFlow.Engine.Execution;
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
        var before = NewEngine(_folder.Catalog);
        var started = await before.StartAsync("release", Operator);
        await before.WaitForStepAsync(started.Id, "wait", StepStatus.Running);
        await before.DisposeAsync();

        _folder.Write("release.csx", """Workflow("release"); Step("rewritten", ctx => ctx.SetOutput("code", "v2"));""");
        using var restarted = _folder.NewCatalog();
        await restarted.ReloadAsync();
        await using var afterRestart = NewEngine(restarted);
        await afterRestart.Engine.RecoverAsync();
        await afterRestart.WaitForRunAsync(started.Id, RunStatus.Succeeded);

        var steps = await _store.GetStepsAsync(started.Id);
        Assert.Equal(["first", "wait"], steps.Select(s => s.Name));
        Assert.Equal("v1 resumed", steps.Single(s => s.Name == "wait").Outputs["code"]);
        Assert.Equal(started.WorkflowVersion, (await _store.GetRunAsync(started.Id))!.WorkflowVersion);
        Assert.NotEqual(started.WorkflowVersion, restarted.Find("release")!.Version);
    }

    private EngineHarness NewEngine(IWorkflowCatalog catalog) =>
        new(_store, TimeProvider.System, catalog, within: TimeSpan.FromSeconds(20));
}
