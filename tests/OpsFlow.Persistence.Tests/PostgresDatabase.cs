using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpsFlow.Engine.Ports;
using OpsFlow.Persistence.Postgres;
using OpsFlow.Testing;

namespace OpsFlow.Persistence.Tests;

/// <summary>A migrated database of its own on the test process's PostgreSQL server.</summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private PostgresDatabase(string connectionString, ServiceProvider services, string archiveFolder)
    {
        ConnectionString = connectionString;
        _services = services;
        ArchiveFolder = archiveFolder;
    }

    /// <summary>This database's archive folder (the history tiers): a temporary folder of its own.</summary>
    public string ArchiveFolder { get; }

    public string ConnectionString { get; }

    public IRunStore Store => _services.GetRequiredService<IRunStore>();

    public IRunReports Reports => _services.GetRequiredService<IRunReports>();

    public IDefinitionSnapshotStore Snapshots => _services.GetRequiredService<IDefinitionSnapshotStore>();

    public OpsFlow.Chat.IChatStore Chat => _services.GetRequiredService<OpsFlow.Chat.IChatStore>();

    public IAuditLog Audit => _services.GetRequiredService<IAuditLog>();

    public INoticeOutbox Outbox => _services.GetRequiredService<INoticeOutbox>();

    public OpsFlow.Chat.IPersonalChats People => _services.GetRequiredService<OpsFlow.Chat.IPersonalChats>();

    public IEmergencyStopStore EmergencyStops => _services.GetRequiredService<IEmergencyStopStore>();

    internal IServiceProvider Services => _services;

    public static async Task<PostgresDatabase> CreateAsync(TimeProvider? clock = null, string? connectionString = null)
    {
        connectionString ??= await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        var archive = Path.Combine(Path.GetTempPath(), "opsflow-tests", "archive-" + Guid.NewGuid().ToString("n"));
        var services = new ServiceCollection()
            .AddSingleton(clock ?? new FakeTimeProvider())
            .AddOpsFlowPostgres(connectionString)
            .Configure<OpsFlow.Persistence.Archive.ArchiveOptions>(options => options.ArchiveFolder = archive)
            .BuildServiceProvider();
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        return new PostgresDatabase(connectionString, services, archive);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        if (Directory.Exists(ArchiveFolder))
        {
            Directory.Delete(ArchiveFolder, recursive: true);
        }
    }
}

[Trait(Categories.Name, Categories.Slow)]
public sealed class PostgresRunStoreTests : RunStoreContract
{
    private PostgresDatabase? _database;

    protected override async Task<IRunStore> CreateStoreAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        return _database.Store;
    }

    public override async Task DisposeAsync() => await (_database?.DisposeAsync() ?? ValueTask.CompletedTask);
}

[Trait(Categories.Name, Categories.Slow)]
public sealed class PostgresChatStoreTests : ChatStoreContract
{
    private PostgresDatabase? _database;

    protected override async Task<OpsFlow.Chat.IChatStore> CreateStoreAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        return _database.Chat;
    }

    public override async Task DisposeAsync() => await (_database?.DisposeAsync() ?? ValueTask.CompletedTask);
}

[Trait(Categories.Name, Categories.Slow)]
public sealed class PostgresDefinitionSnapshotStoreTests : DefinitionSnapshotStoreContract
{
    private PostgresDatabase? _database;

    protected override async Task<IDefinitionSnapshotStore> CreateStoreAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        return _database.Snapshots;
    }

    public override async Task DisposeAsync() => await (_database?.DisposeAsync() ?? ValueTask.CompletedTask);
}

[Trait(Categories.Name, Categories.Slow)]
public sealed class PostgresRunReportsTests : RunReportsContract
{
    private PostgresDatabase? _database;

    protected override async Task<(IRunStore Store, IRunReports Reports)> CreateAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        return (_database.Store, _database.Reports);
    }

    public override async Task DisposeAsync() => await (_database?.DisposeAsync() ?? ValueTask.CompletedTask);
}

[Trait(Categories.Name, Categories.Slow)]
public sealed class PostgresHistoryTiersTests : HistoryTiersContract
{
    private PostgresDatabase? _database;

    protected override async Task CreateAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        Services = _database.Services;
        ArchiveFolder = _database.ArchiveFolder;
    }

    public override async Task DisposeAsync() => await (_database?.DisposeAsync() ?? ValueTask.CompletedTask);
}
