using Microsoft.EntityFrameworkCore;

namespace OpsFlow.Persistence;

/// <summary>
/// Applies the provider's EF migrations (which create the scheduler's tables too) and rebuilds the derived tables a
/// migration asked for (StepDurationBackfill), inside what the provider (<see cref="DatabaseProvider"/>) needs around
/// them. Idempotent: safe at every start.
/// </summary>
public sealed class DatabaseMigrator(IDbContextFactory<OpsFlowDbContext> contexts, DatabaseProvider provider)
{
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await provider.UpgradeAsync(
            db,
            async ct =>
            {
                await db.Database.MigrateAsync(ct);
                await StepDurationBackfill.RunIfPendingAsync(db, ct);
            },
            cancellationToken);
    }

    /// <summary>Migrations the database lacks; empty when it is up to date.</summary>
    public async Task<IReadOnlyList<string>> PendingMigrationsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToArray();
    }
}
