using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace OpsFlow.Scripting.Tests;

/// <summary>
/// On the server, `#load ".opsflow/globals.csx"` is empty: the host object is the real globals, so nothing is declared
/// twice, a server without the generated file loads the script, and the file is neither a workflow nor part of a version.
/// </summary>
public sealed class EditorGlobalsLoadingTests : IDisposable
{
    private const string Greet = $$"""
        {{EditorGlobals.LoadDirective}}
        Workflow("greet", "Says hello");
        var name = Param<string>("name", example: "ada");
        Step("hello", ctx => ctx.Log($"hello {name}"));
        """;

    private readonly ScriptFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task LoadOfTheGlobals_WithoutTheFile_LoadsTheScript()
    {
        _folder.Write("greet.csx", Greet);

        var status = await _folder.LoadAsync("greet.csx");

        Assert.True(status.Ok, string.Join("; ", status.Problems));
        Assert.Equal("greet", status.Workflow);
    }

    [Fact]
    public async Task LoadOfTheGlobals_WithTheGeneratedFile_DeclaresNothingTwiceAndKeepsTheVersion()
    {
        _folder.Write("greet.csx", Greet);
        var without = await _folder.LoadAsync("greet.csx");

        await EditorGlobals.WriteAsync(_folder.Path, CancellationToken.None);
        var with = await _folder.NewCatalog().ReloadAsync();

        var status = Assert.Single(with);
        Assert.True(status.Ok, string.Join("; ", status.Problems));
        Assert.Equal(("greet.csx", without.Version), (status.File, status.Version));
    }

    [Fact]
    public async Task LoadOfTheGlobals_FromASubfolder_IsEmptyToo()
    {
        _folder.Write("lib/hello.csx", $$"""
            {{EditorGlobals.LoadDirective.Replace("\".opsflow", "\"../.opsflow", StringComparison.Ordinal)}}
            static string Hello(string name) => $"hello {name}";
            """);
        _folder.Write("greet.csx", """
            #load "lib/hello.csx"
            Workflow("greet");
            Step("hello", ctx => ctx.Log(Hello("ada")));
            """);

        var status = await _folder.LoadAsync("greet.csx");

        Assert.True(status.Ok, string.Join("; ", status.Problems));
    }

    [Fact]
    public async Task NewWorkflowTemplate_LoadsWithTwoStepsOneAfterTheOtherAndACompensation()
    {
        _folder.Write("disk-cleanup.csx", WorkflowTemplate.Text("disk-cleanup"));

        var status = await _folder.LoadAsync("disk-cleanup.csx");

        Assert.True(status.Ok, string.Join("; ", status.Problems));
        var definition = await _folder.Catalog.MaterializeAsync("disk-cleanup", null, new Engine.Definitions.ParameterValues(new Dictionary<string, string> { ["target"] = "example" }));
        Assert.Equal(["prepare", "apply"], definition.Steps.Select(s => s.Name));
        Assert.Equal(["prepare"], definition.Find("apply")!.DependsOn);
        Assert.NotNull(definition.Find("prepare")!.Compensation);
    }

    [Fact]
    public async Task ErrorAfterTheLoad_IsReportedAtItsOwnLine()
    {
        _folder.Write("broken.csx", $"""
            {EditorGlobals.LoadDirective}
            Workflow("broken");
            Step("a", ctx => ctx.NoSuchHelper());
            """);

        var status = await _folder.LoadAsync("broken.csx");

        var problem = Assert.Single(status.Problems);
        Assert.Equal(("broken.csx", 3), (problem.File, problem.Line));
        Assert.Contains("CS1061", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watcher_GlobalsRewritten_DoesNotReload()
    {
        _folder.Write("greet.csx", Greet);
        await _folder.Catalog.ReloadAsync();
        var clock = new FakeTimeProvider();
        using var watcher = new WorkflowFolderWatcher(_folder.Catalog, clock, NullLogger<WorkflowFolderWatcher>.Instance);
        var reloads = 0;
        var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        watcher.Reloaded += _ =>
        {
            Interlocked.Increment(ref reloads);
            reloaded.TrySetResult();
        };
        watcher.Start();

        await EditorGlobals.WriteAsync(_folder.Path, CancellationToken.None);
        // The file system reports changes asynchronously; give it time to report the globals before the quiet period ends.
        await Task.Delay(TimeSpan.FromSeconds(1), TimeProvider.System);
        clock.Advance(WorkflowFolderWatcher.Quiet);
        // A reload of unchanged files only hashes them: a second is plenty for one to show.
        await Task.Delay(TimeSpan.FromSeconds(1), TimeProvider.System);
        Assert.Equal(0, Volatile.Read(ref reloads));

        // The watcher is live: a script edit does reload.
        _folder.Write("greet.csx", Greet + "\n// edited\n");
        await Task.Delay(TimeSpan.FromSeconds(1), TimeProvider.System);
        clock.Advance(WorkflowFolderWatcher.Quiet);

        await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(20), TimeProvider.System);
        await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System);
        Assert.Equal(1, Volatile.Read(ref reloads));
    }
}
