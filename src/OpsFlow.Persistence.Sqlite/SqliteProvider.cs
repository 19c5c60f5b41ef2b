using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace OpsFlow.Persistence.Sqlite;

/// <summary>What SQLite needs that other databases do not: WAL, and the pragmas of the writer's and a lone commit's connections.</summary>
internal sealed class SqliteProvider(IOptions<SqliteOptions> options) : DatabaseProvider
{
    /// <summary>The synchronous pragma for <see cref="SqliteOptions.Durability"/>; every writing connection sets it (it is per connection).</summary>
    internal string Synchronous => options.Value.Durability == SqliteDurability.Power ? "FULL" : "NORMAL";

    public override async Task UpgradeAsync(OpsFlowDbContext db, Func<CancellationToken, Task> upgrade, CancellationToken cancellationToken)
    {
        await upgrade(cancellationToken);
        // WAL is a property of the file: set once, it stays; readers then never block the writer.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
    }

    /// <summary>
    /// WAL with synchronous=NORMAL (durability "process", the default) keeps every committed transaction across a process
    /// crash (kill -9) at a fraction of FULL's fsync cost; a power cut may lose the last few commits, never consistency.
    /// FULL (durability "power") syncs each commit before it is acknowledged.
    /// </summary>
    public override async Task<OpsFlowDbContext> OpenWriterAsync(IDbContextFactory<OpsFlowDbContext> contexts, CancellationToken cancellationToken)
    {
        string? connectionString;
        await using (var configured = await contexts.CreateDbContextAsync(cancellationToken))
        {
            connectionString = configured.Database.GetConnectionString();
        }

        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var pragmas = connection.CreateCommand();
            pragmas.CommandText = $"PRAGMA synchronous={Synchronous}; PRAGMA busy_timeout=10000;";
            await pragmas.ExecuteNonQueryAsync(cancellationToken);
            return new OpsFlowDbContext(new DbContextOptionsBuilder<OpsFlowDbContext>().UseSqlite(connection, contextOwnsConnection: true).Options);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// SQLite's own busy handler retries within milliseconds of the writer's commit, rather than in the coarser steps of
    /// the driver's retry loop.
    /// </summary>
    public override async Task PrepareLoneCommitAsync(OpsFlowDbContext db, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        // Two fixed words, never input: the pragma takes no parameters.
        var pragmas = $"PRAGMA synchronous={Synchronous}; PRAGMA busy_timeout=10000";
        await db.Database.ExecuteSqlRawAsync(pragmas, cancellationToken);
    }

    /// <summary>SQLite creates a missing file but not its folder; the first connection of any kind must find it.</summary>
    internal static void CreateFolder(string connectionString)
    {
        var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (!string.IsNullOrEmpty(dataSource) && dataSource != ":memory:")
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(dataSource));
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
        }
    }
}
