using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpsFlow.Persistence.Sqlite;

namespace OpsFlow.Persistence.Tests;

/// <summary>OpsFlow:Database:Durability on SQLite: what every connection that writes is told about syncing its commits.</summary>
public sealed class SqliteDurabilityTests
{
    [Theory]
    [InlineData(SqliteDurability.Process, 1)]
    [InlineData(SqliteDurability.Power, 2)]
    public async Task TheWriterAndALoneCommit_SyncAsTheDurabilitySays(SqliteDurability durability, long synchronous)
    {
        var folder = Path.Combine(Path.GetTempPath(), "opsflow-tests", Guid.NewGuid().ToString("n"));
        await using (var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(new FakeTimeProvider())
            .AddOpsFlowSqlite(options =>
            {
                options.ConnectionString = $"Data Source={Path.Combine(folder, "opsflow.db")}";
                options.Durability = durability;
            })
            .BuildServiceProvider())
        {
            await services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
            var provider = services.GetRequiredService<DatabaseProvider>();
            var contexts = services.GetRequiredService<IDbContextFactory<OpsFlowDbContext>>();

            await using (var writer = await provider.OpenWriterAsync(contexts, CancellationToken.None))
            {
                // 1 is NORMAL (a killed process loses nothing), 2 is FULL (each commit synced before it is acknowledged).
                Assert.Equal(synchronous, await SynchronousAsync(writer));
            }

            await using var lone = await contexts.CreateDbContextAsync();
            await provider.PrepareLoneCommitAsync(lone, CancellationToken.None);
            Assert.Equal(synchronous, await SynchronousAsync(lone));
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private static async Task<long> SynchronousAsync(OpsFlowDbContext db)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await connection.OpenAsync();
        }

        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
