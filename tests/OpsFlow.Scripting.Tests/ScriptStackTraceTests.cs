using OpsFlow.Engine.Model;

namespace OpsFlow.Scripting.Tests;

/// <summary>A step that throws in a script records the script's file and line in its error detail.</summary>
public sealed class ScriptStackTraceTests : IDisposable
{
    private static readonly Actor Operator = new("olivia", "Olivia", new HashSet<string> { Roles.Operator });
    private readonly ScriptFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task AStepThatThrows_RecordsTheScriptFileAndLine()
    {
        _folder.Write("thrower.csx", """
            Workflow("thrower");
            Step("work", ctx =>
            {
                var files = new[] { "a" };
                throw new InvalidOperationException($"cannot read {files[0]}");
            });
            """);
        await _folder.Catalog.ReloadAsync();
        await using var engine = new EngineHarness(new InMemoryRunStore(), TimeProvider.System, _folder.Catalog, within: TimeSpan.FromSeconds(20));

        var run = await engine.StartAsync("thrower", Operator);
        await engine.WaitForRunAsync(run.Id, RunStatus.Failed);
        var step = await engine.StepAsync(run.Id, "work");

        Assert.StartsWith("System.InvalidOperationException: cannot read a", step.ErrorDetail, StringComparison.Ordinal);
        Assert.True(step.ErrorDetail!.Contains("thrower.csx:line 5", StringComparison.Ordinal), $"the stack names the script line:\n{step.ErrorDetail}");
    }
}
