using Microsoft.EntityFrameworkCore;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Persistence;

/// <summary>
/// The audit log in the audit_log table, append-only: this class inserts and reads, nothing else. An entry takes the
/// next sequence number and names the last entry's hash. Within a host the write queue applies one write at a time,
/// so appends cannot interleave. Hosts sharing a database each have their own writer: two may read the same last entry
/// and insert the same number; the primary key refuses the later one, which reads the new last entry and tries again.
/// On SQLite the writer's transaction takes the file's write lock before it reads, so another process (the command
/// line) never gets that far.
/// </summary>
internal sealed class EfAuditLog(DatabaseReads reads, WriteQueue writes) : IAuditLog
{
    /// <summary>Each lost race means another host's entry went in, so this bounds how many hosts may append at once.</summary>
    internal const int Attempts = 20;

    private const int VerifyPage = 1_000;

    private const int MinQueryPage = 100;

    public async Task AppendAsync(AuditEvent entry, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await writes.RunAsync((db, ct) => AppendAfterLastAsync(db, entry, ct), cancellationToken);
                return;
            }
            catch (Exception ex) when (Conflicts.IsRace(ex))
            {
                if (attempt == Attempts)
                {
                    throw new InvalidOperationException(
                        $"The audit log did not take '{entry.Action}' by {entry.ActorName}: {Attempts} times in a row another host "
                        + "appended the same entry number first. Too many hosts are writing the audit log at once.",
                        ex);
                }
            }
        }
    }

    public Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return reads.RunAsync<IReadOnlyList<AuditEntry>>(async db =>
        {
            var found = new List<AuditEntry>();
            var rows = AuditPrefilter.Apply(db.AuditLog.AsNoTracking(), query);
            long? cursor = null;
            while (found.Count < query.Limit)
            {
                // The prefilter is a superset of the filter: read on past rows it let through that the filter does not,
                // a page at a time even when one entry is wanted (an actor that is part of many ids).
                var size = Math.Max(query.Limit - found.Count, MinQueryPage);
                var page = await Page(rows, query.NewestFirst, cursor).Take(size).ToListAsync(cancellationToken);
                found.AddRange(page.Select(AuditMapping.ToEntry).Where(e => AuditFilter.Matches(query, e)).Take(query.Limit - found.Count));
                if (page.Count < size)
                {
                    break;
                }

                cursor = page[^1].Seq;
            }

            return found;
        }, cancellationToken);
    }

    public Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default) =>
        reads.RunAsync(async db =>
        {
            AuditEntry? previous = null;
            long checkedCount = 0;
            while (true)
            {
                var after = previous?.Seq ?? long.MinValue;
                var page = await db.AuditLog.AsNoTracking().Where(r => r.Seq > after).OrderBy(r => r.Seq).Take(VerifyPage).ToListAsync(cancellationToken);
                var entries = page.Select(AuditMapping.ToEntry).ToArray();
                if (AuditChain.FirstBreak(entries, previous) is { } broken)
                {
                    // Counted as the in-memory log counts: every entry there is, whatever follows the break.
                    return new AuditVerification(await db.AuditLog.LongCountAsync(cancellationToken), broken.Seq, broken.Problem);
                }

                checkedCount += entries.Length;
                if (entries.Length < VerifyPage)
                {
                    return new AuditVerification(checkedCount, null, null);
                }

                previous = entries[^1];
            }
        }, cancellationToken);

    private static async Task<bool> AppendAfterLastAsync(OpsFlowDbContext db, AuditEvent entry, CancellationToken cancellationToken)
    {
        var last = await db.AuditLog.AsNoTracking()
            .OrderByDescending(r => r.Seq)
            .Select(r => new { r.Seq, r.Hash })
            .FirstOrDefaultAsync(cancellationToken);
        db.AuditLog.Add(AuditMapping.ToRow(AuditChain.Link((last?.Seq ?? 0) + 1, last?.Hash ?? AuditChain.Genesis, entry)));
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    private static IQueryable<AuditRow> Page(IQueryable<AuditRow> rows, bool newestFirst, long? cursor) => (newestFirst, cursor) switch
    {
        (true, { } before) => rows.Where(r => r.Seq < before).OrderByDescending(r => r.Seq),
        (true, null) => rows.OrderByDescending(r => r.Seq),
        (false, { } after) => rows.Where(r => r.Seq > after).OrderBy(r => r.Seq),
        (false, null) => rows.OrderBy(r => r.Seq),
    };
}
