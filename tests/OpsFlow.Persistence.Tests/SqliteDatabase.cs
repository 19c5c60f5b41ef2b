using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpsFlow.Engine.Ports;
using OpsFlow.Persistence.Sqlite;

namespace OpsFlow.Persistence.Tests;

/// <summary>A migrated SQLite file in a temporary folder, deleted afterwards.</summary>
public sealed class SqliteDatabase : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private SqliteDatabase(string folder, ServiceProvider services)
    {
        Folder = folder;
        _services = services;
    }

    public string Folder { get; }

    public IRunStore Store => _services.GetRequiredService<IRunStore>();

    public IRunReports Reports => _services.GetRequiredService<IRunReports>();

    public IDefinitionSnapshotStore Snapshots => _services.GetRequiredService<IDefinitionSnapshotStore>();

    public OpsFlow.Chat.IChatStore Chat => _services.GetRequiredService<OpsFlow.Chat.IChatStore>();

    public IAuditLog Audit => _services.GetRequiredService<IAuditLog>();

    public INoticeOutbox Outbox => _services.GetRequiredService<INoticeOutbox>();

    public OpsFlow.Chat.IPersonalChats People => _services.GetRequiredService<OpsFlow.Chat.IPersonalChats>();

    public IEmergencyStopStore EmergencyStops => _services.GetRequiredService<IEmergencyStopStore>();

    internal IServiceProvider Services => _services;

    /// <summary>This database's archive folder (the history tiers), inside <see cref="Folder"/>.</summary>
    public string ArchiveFolder => Path.Combine(Folder, "archive");

    /// <param name="shared">Adds run leases and the mailbox, as a host that shares the database with others does.</param>
    public static async Task<SqliteDatabase> CreateAsync(TimeProvider? clock = null, string? folder = null, bool shared = false)
    {
        folder ??= Path.Combine(Path.GetTempPath(), "opsflow-tests", Guid.NewGuid().ToString("n"));
        var collection = new ServiceCollection()
            .AddSingleton(clock ?? new FakeTimeProvider())
            .AddOpsFlowSqlite($"Data Source={Path.Combine(folder, "opsflow.db")}")
            .Configure<OpsFlow.Persistence.Archive.ArchiveOptions>(options => options.ArchiveFolder = Path.Combine(folder, "archive"));
        var services = (shared ? collection.AddOpsFlowRunLeases() : collection).BuildServiceProvider();
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        return new SqliteDatabase(folder, services);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless; failing the test for it would not be.
        }
    }
}

public sealed class SqliteRunStoreTests : RunStoreContract
{
    private SqliteDatabase? _database;

    protected override async Task<IRunStore> CreateStoreAsync()
    {
        _database = await SqliteDatabase.CreateAsync();
        return _database.Store;
    }

    public override async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
