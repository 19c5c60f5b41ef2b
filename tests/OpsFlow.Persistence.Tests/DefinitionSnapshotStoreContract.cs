using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Persistence.Tests;

/// <summary>What every definition snapshot store must do; one subclass per store.</summary>
public abstract class DefinitionSnapshotStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset SavedAt = new(2026, 11, 26, 9, 30, 0, TimeSpan.Zero);

    protected IDefinitionSnapshotStore Store { get; private set; } = null!;

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected abstract Task<IDefinitionSnapshotStore> CreateStoreAsync();

    [Fact]
    public async Task FindAsync_AfterSave_ReturnsEveryFileVerbatim()
    {
        var files = new Dictionary<string, string>
        {
            ["deploy.csx"] = "#load \"lib/naming.csx\"\nWorkflow(\"deploy\"); // ünïcödé\r\n",
            ["lib/naming.csx"] = "static string Name() => \"x\";",
        };
        await Store.SaveAsync(new DefinitionSnapshot("abc123", "deploy", "deploy.csx", files, SavedAt));

        var found = await Store.FindAsync("abc123");

        Assert.NotNull(found);
        Assert.Equal("deploy", found.Workflow);
        Assert.Equal("deploy.csx", found.EntryPath);
        Assert.Equal(files, found.Files);
        Assert.Equal(SavedAt, found.SavedAt);
    }

    [Fact]
    public async Task SaveAsync_SameVersionTwice_KeepsTheFirst()
    {
        await Store.SaveAsync(new DefinitionSnapshot("v1", "deploy", "deploy.csx", new Dictionary<string, string> { ["deploy.csx"] = "first" }, SavedAt));
        await Store.SaveAsync(new DefinitionSnapshot("v1", "deploy", "deploy.csx", new Dictionary<string, string> { ["deploy.csx"] = "second" }, SavedAt.AddHours(1)));

        var found = await Store.FindAsync("v1");

        Assert.Equal("first", found!.Files["deploy.csx"]);
    }

    [Fact]
    public async Task SaveAsync_SameVersionFromManyWritersAtOnce_KeepsOneAndFailsNone()
    {
        var saves = Enumerable.Range(0, 10).Select(i =>
            Store.SaveAsync(new DefinitionSnapshot("v-race", "deploy", "deploy.csx", new Dictionary<string, string> { ["deploy.csx"] = "same code" }, SavedAt.AddSeconds(i))));

        await Task.WhenAll(saves);

        Assert.Equal("same code", (await Store.FindAsync("v-race"))?.Files["deploy.csx"]);
    }

    [Fact]
    public async Task FindAsync_UnknownVersion_ReturnsNull() =>
        Assert.Null(await Store.FindAsync("no-such-version"));
}

public sealed class InMemoryDefinitionSnapshotStoreTests : DefinitionSnapshotStoreContract
{
    protected override Task<IDefinitionSnapshotStore> CreateStoreAsync() => Task.FromResult<IDefinitionSnapshotStore>(new InMemoryDefinitionSnapshotStore());
}

public sealed class SqliteDefinitionSnapshotStoreTests : DefinitionSnapshotStoreContract
{
    private SqliteDatabase? _database;

    protected override async Task<IDefinitionSnapshotStore> CreateStoreAsync()
    {
        _database = await SqliteDatabase.CreateAsync();
        return _database.Snapshots;
    }

    public override async Task DisposeAsync() => await _database!.DisposeAsync();
}
