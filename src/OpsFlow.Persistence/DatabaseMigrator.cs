using Microsoft.EntityFrameworkCore;

namespace OpsFlow.Persistence;

/// <summary>
/// Applies EF migrations, turns on WAL and rebuilds the derived tables a migration asked for (StepDurationBackfill).
/// Idempotent: safe at every start.
/// </summary>
public sealed class DatabaseMigrator(IDbContextFactory<OpsFlowDbContext> contexts)
{
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // WAL is a property of the file: set once, it stays; readers then never block the writer.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        await StepDurationBackfill.RunIfPendingAsync(db, cancellationToken);
    }

    /// <summary>Migrations the database lacks; empty when it is up to date.</summary>
    public async Task<IReadOnlyList<string>> PendingMigrationsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToArray();
    }
}
