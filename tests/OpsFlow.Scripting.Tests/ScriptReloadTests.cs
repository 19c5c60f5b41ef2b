using Microsoft.Extensions.Logging.Abstractions;
using OpsFlow.Engine.Definitions;

namespace OpsFlow.Scripting.Tests;

public sealed class ScriptReloadTests : IDisposable
{
    private readonly ScriptFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Reload_BrokenEdit_KeepsTheLastGoodVersionAndSaysWhy()
    {
        _folder.Write("hello.csx", """Workflow("hello"); Step("one", ctx => { });""");
        var good = await _folder.LoadAsync("hello.csx");

        _folder.Write("hello.csx", """Workflow("hello"); Step("one", ctx => { }"""); // missing ')'
        var broken = await _folder.LoadAsync("hello.csx");

        Assert.True(broken.UsingLastGood, "a broken edit must keep the previous version in service");
        Assert.Equal(good.Version, broken.Version);
        Assert.Contains(broken.Problems, p => p.Message.Contains("CS1026", StringComparison.Ordinal));
        Assert.Equal(good.Version, _folder.Catalog.Find("hello")!.Version);
    }

    [Fact]
    public async Task Reload_UnchangedFiles_AreNeitherCompiledNorDescribedAgain()
    {
        _folder.Write("hello.csx", """Workflow("hello"); Step("one", ctx => { });""");
        await _folder.LoadAsync("hello.csx");
        var compilations = _folder.Catalog.Compilations;

        await _folder.LoadAsync("hello.csx");

        Assert.Equal(compilations, _folder.Catalog.Compilations);
    }

    [Fact]
    public async Task NewCatalog_SameDiskCache_LoadsWithoutCompiling()
    {
        _folder.Write("hello.csx", """Workflow("hello"); Step("one", ctx => { });""");
        await _folder.LoadAsync("hello.csx");
        Assert.Equal(1, _folder.Catalog.Compilations);

        using var restarted = _folder.NewCatalog();
        var statuses = await restarted.ReloadAsync();

        Assert.True(Assert.Single(statuses).Ok);
        Assert.Equal(0, restarted.Compilations);
    }

    [Fact]
    public async Task Materialize_OlderVersion_UsesTheStoredCodeEvenAfterTheFileChanged()
    {
        _folder.Write("hello.csx", """Workflow("hello"); Step("old-step", ctx => ctx.SetOutput("code", "old"));""");
        var old = await _folder.LoadAsync("hello.csx");
        _folder.Write("hello.csx", """Workflow("hello"); Step("new-step", ctx => ctx.SetOutput("code", "new"));""");
        await _folder.LoadAsync("hello.csx");

        // A host restarted with an empty disk cache: the old code must come from the snapshot store.
        Directory.Delete(_folder.Options.CachePath, recursive: true);
        using var restarted = _folder.NewCatalog();
        await restarted.ReloadAsync();
        var resumed = await restarted.MaterializeAsync("hello", old.Version, ParameterValues.Empty);
        var current = await restarted.MaterializeAsync("hello", null, ParameterValues.Empty);

        Assert.Equal(["old-step"], resumed.Steps.Select(s => s.Name));
        Assert.Equal(old.Version, resumed.Descriptor.Version);
        Assert.Equal(["new-step"], current.Steps.Select(s => s.Name));
    }

    [Fact]
    public async Task Materialize_VersionWhoseCodeWasNeverStored_SaysTheRunCannotResume()
    {
        _folder.Write("hello.csx", """Workflow("hello"); Step("one", ctx => { });""");
        await _folder.LoadAsync("hello.csx");

        var error = await Assert.ThrowsAsync<KeyNotFoundException>(async () =>
            await _folder.Catalog.MaterializeAsync("hello", "0123456789abcdef", ParameterValues.Empty));

        Assert.Contains("is not stored", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watcher_FileEditedWhileRunning_ReloadsWithoutRestart()
    {
        _folder.Write("hello.csx", """Workflow("hello"); Step("one", ctx => { });""");
        await _folder.Catalog.ReloadAsync();
        using var watcher = new WorkflowFolderWatcher(_folder.Catalog, TimeProvider.System, NullLogger<WorkflowFolderWatcher>.Instance);
        var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        watcher.Reloaded += statuses =>
        {
            if (_folder.Catalog.Find("hello")?.Parameters.Count == 1)
            {
                reloaded.TrySetResult();
            }
        };
        watcher.Start();

        _folder.Write("hello.csx", """Workflow("hello"); var who = Param<string>("who"); Step("one", ctx => ctx.Log(who));""");

        await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("who", Assert.Single(_folder.Catalog.Find("hello")!.Parameters).Name);
    }

    [Fact]
    public async Task Reload_DeletedFile_RemovesTheWorkflow()
    {
        _folder.Write("hello.csx", """Workflow("hello"); Step("one", ctx => { });""");
        await _folder.Catalog.ReloadAsync();

        File.Delete(Path.Combine(_folder.Path, "hello.csx"));
        await _folder.Catalog.ReloadAsync();

        Assert.Null(_folder.Catalog.Find("hello"));
    }
}
