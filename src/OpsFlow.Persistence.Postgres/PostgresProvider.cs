using Microsoft.EntityFrameworkCore;

namespace OpsFlow.Persistence.Postgres;

/// <summary>Hosts that start together take turns to upgrade the database.</summary>
internal sealed class PostgresProvider : DatabaseProvider
{
    /// <summary>Any number agreed by every host: the PostgreSQL advisory lock that lets one host migrate at a time.</summary>
    private const long MigrationLock = 0x0F5F_10E5_0001;

    /// <summary>
    /// EF's own migration lock on PostgreSQL is taken per migration and does not stop two hosts applying the same one
    /// (the second fails with "relation already exists"). A session lock around the whole upgrade makes the others
    /// wait, then find nothing left to do.
    /// </summary>
    public override async Task UpgradeAsync(OpsFlowDbContext db, Func<CancellationToken, Task> upgrade, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({MigrationLock})", cancellationToken);
            await upgrade(cancellationToken);
        }
        finally
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({MigrationLock})", CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }
}
