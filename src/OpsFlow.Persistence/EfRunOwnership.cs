using Microsoft.EntityFrameworkCore;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Persistence;

/// <summary>
/// Run leases in the run_leases table, one row per run that a host drives. A claim is one upsert that takes the row
/// only when it is free, this host's already, or expired; the database serialises two hosts claiming at once.
/// Lease times are the hosts' clocks, so the hosts' clocks must agree (NTP) to well within a lease.
/// </summary>
internal sealed partial class EfRunOwnership(DatabaseReads reads, WriteQueue writes, TimeProvider clock, string hostId) : IRunOwnership
{
    public bool IsShared => true;

    public string HostId { get; } = hostId;

    public async Task<bool> TryClaimAsync(string runId, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        var now = Mapping.Ticks(clock.GetUtcNow());
        var expires = Mapping.Ticks(until);
        var taken = await Conflicts.RetryAsync(() => writes.RunAsync(
            (db, ct) => db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO "run_leases" ("RunId", "Holder", "ExpiresAt") VALUES ({runId}, {HostId}, {expires})
                ON CONFLICT ("RunId") DO UPDATE SET "Holder" = excluded."Holder", "ExpiresAt" = excluded."ExpiresAt"
                WHERE "run_leases"."Holder" = excluded."Holder" OR "run_leases"."ExpiresAt" < {now}
                """,
                ct),
            cancellationToken));
        return taken == 1;
    }

    public Task<IReadOnlyCollection<string>> RenewAsync(IReadOnlyCollection<string> runIds, DateTimeOffset until, CancellationToken cancellationToken = default) =>
        writes.RunAsync<IReadOnlyCollection<string>>(async (db, ct) =>
        {
            var expires = Mapping.Ticks(until);
            await db.Leases.Where(l => l.Holder == HostId).ExecuteUpdateAsync(set => set.SetProperty(l => l.ExpiresAt, expires), ct);
            var held = (await db.Leases.AsNoTracking().Where(l => l.Holder == HostId).Select(l => l.RunId).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
            return runIds.Where(id => !held.Contains(id)).ToArray();
        }, cancellationToken);

    public Task ReleaseAsync(string runId, CancellationToken cancellationToken = default) =>
        writes.RunAsync((db, ct) => db.Leases.Where(l => l.RunId == runId && l.Holder == HostId).ExecuteDeleteAsync(ct), cancellationToken);

    public Task<string?> HolderAsync(string runId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        reads.RunAsync(async db =>
        {
            var ticks = Mapping.Ticks(now);
            return await db.Leases.AsNoTracking()
                .Where(l => l.RunId == runId && l.ExpiresAt >= ticks)
                .Select(l => l.Holder)
                .FirstOrDefaultAsync(cancellationToken);
        }, cancellationToken);

    public Task<IReadOnlyList<string>> ExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        reads.RunAsync<IReadOnlyList<string>>(async db =>
        {
            var ticks = Mapping.Ticks(now);
            return await db.Leases.AsNoTracking().Where(l => l.ExpiresAt < ticks).Select(l => l.RunId).ToListAsync(cancellationToken);
        }, cancellationToken);
}
