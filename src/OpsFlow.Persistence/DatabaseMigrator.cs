using Microsoft.EntityFrameworkCore;

namespace OpsFlow.Persistence;

/// <summary>
/// Applies EF migrations, turns on WAL and rebuilds the derived tables a migration asked for (StepDurationBackfill).
/// Idempotent: safe at every start.
/// </summary>
public sealed class DatabaseMigrator(IDbContextFactory<OpsFlowDbContext> contexts)
{
    /// <summary>Any number agreed by every host: the PostgreSQL advisory lock that lets one host migrate at a time.</summary>
    private const long MigrationLock = 0x0F5F_10E5_0001;

    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            await db.Database.MigrateAsync(cancellationToken);
            // WAL is a property of the file: set once, it stays; readers then never block the writer.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            await StepDurationBackfill.RunIfPendingAsync(db, cancellationToken);
            return;
        }

        // Hosts starting together: EF's own migration lock on PostgreSQL is taken per migration and does not stop two
        // hosts applying the same one (the second fails with "relation already exists"). A session lock around the
        // whole upgrade makes the others wait, then find nothing left to do.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({MigrationLock})", cancellationToken);
            await db.Database.MigrateAsync(cancellationToken);
            await StepDurationBackfill.RunIfPendingAsync(db, cancellationToken);
        }
        finally
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({MigrationLock})", CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Migrations the database lacks; empty when it is up to date.</summary>
    public async Task<IReadOnlyList<string>> PendingMigrationsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToArray();
    }
}
