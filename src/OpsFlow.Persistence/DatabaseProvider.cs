using Microsoft.EntityFrameworkCore;

namespace OpsFlow.Persistence;

/// <summary>
/// What a database provider does differently from the others, for the provider-neutral stores: what must hold around
/// an upgrade (PostgreSQL makes hosts that start together take turns, SQLite turns on its write-ahead log) and how the
/// writer's and a lone commit's connections are set up. Registered by AddOpsFlowSqlite or AddOpsFlowPostgres.
/// </summary>
public abstract class DatabaseProvider
{
    /// <summary>Runs <paramref name="upgrade"/> (the migrations, then the backfills they asked for) on <paramref name="db"/>.</summary>
    public abstract Task UpgradeAsync(OpsFlowDbContext db, Func<CancellationToken, Task> upgrade, CancellationToken cancellationToken);

    /// <summary>The write queue's context: its connection open for the writer's whole life. Disposing it closes the connection.</summary>
    public virtual async Task<OpsFlowDbContext> OpenWriterAsync(IDbContextFactory<OpsFlowDbContext> contexts, CancellationToken cancellationToken)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        return db;
    }

    /// <summary>Before one statement commits on a context of its own, outside the write queue (a card's id).</summary>
    public virtual Task PrepareLoneCommitAsync(OpsFlowDbContext db, CancellationToken cancellationToken) => Task.CompletedTask;
}
