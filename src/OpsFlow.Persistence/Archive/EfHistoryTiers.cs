using Microsoft.EntityFrameworkCore;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Persistence.Archive;

/// <summary>
/// Moves finished runs from the hot tier (the database) to monthly archive files, and deletes the archives of the cold
/// tier. What stays in the database for an archived run is its row (lists, lookups and every run-level report read it)
/// and each step's status, attempts, times, CPU time and error (the failure and step-duration reports); its history,
/// logs, outputs, votes, findings, items and error details are in the file only. One pass at a time: the scheduler's
/// job does not run concurrently, across hosts too.
/// </summary>
/// <param name="auditChunk">Runs whose audit entries are read per query; smaller in the tests that cover the chunking.</param>
internal sealed class EfHistoryTiers(
    DatabaseReads reads, WriteQueue writes, ArchiveFiles files, ArchivedRuns archived, TimeProvider clock, int auditChunk = EfHistoryTiers.AuditChunk) : IHistoryTiers
{
    /// <summary>Runs marked per write: each batch is one short transaction, so runs keep saving between batches.</summary>
    internal const int MarkBatch = 100;

    /// <summary>Runs whose audit entries are read per query: this bounds the size of the query and of its parameters.</summary>
    internal const int AuditChunk = 500;

    private static readonly string[] Finished = Enum.GetValues<RunStatus>()
        .Where(StateMachine.IsTerminal)
        .Select(s => s.ToString())
        .ToArray();

    public async Task<IReadOnlyList<ArchivedMonth>> ArchiveAsync(DateTimeOffset hotSince, CancellationToken cancellationToken = default)
    {
        files.DeleteLeftovers();
        var limit = Mapping.Ticks(MonthStart(hotSince));
        var done = new List<ArchivedMonth>();
        long cursor = 0;
        // Month by month, oldest first, each at most once a pass: a run that changed while its month was written stays
        // for the next pass instead of holding this one.
        while (await OldestUnarchivedAsync(cursor, limit, cancellationToken) is { } oldest)
        {
            var month = MonthStart(Mapping.Time(oldest));
            if (await ArchiveMonthAsync(month, cancellationToken) is { } written)
            {
                done.Add(written);
            }

            cursor = Mapping.Ticks(month.AddMonths(1));
        }

        return done;
    }

    public async Task<IReadOnlyList<DeletedArchive>> DeleteColdAsync(DateTimeOffset coldBefore, CancellationToken cancellationToken = default)
    {
        var deleted = new List<DeletedArchive>();
        foreach (var name in files.List())
        {
            if (!ArchiveFiles.TryParse(name, out var month, out _) || month.AddMonths(1) > coldBefore)
            {
                continue;
            }

            // The rows first: a file left behind by a crash here is deleted by the next pass; rows naming a deleted file
            // would be runs nobody can open.
            var runs = await writes.RunAsync(
                async (db, ct) =>
                {
                    var ids = db.Runs.Where(r => r.ArchivedIn == name).Select(r => r.Id);
                    await db.Steps.Where(s => ids.Contains(s.RunId)).ExecuteDeleteAsync(ct);
                    await db.ChatRunCards.Where(c => ids.Contains(c.RunId)).ExecuteDeleteAsync(ct);
                    await db.ApprovalCopies.Where(c => ids.Contains(c.RunId)).ExecuteDeleteAsync(ct);
                    return await db.Runs.Where(r => r.ArchivedIn == name).ExecuteDeleteAsync(ct);
                },
                cancellationToken);
            files.Delete(name);
            archived.Forget(name);
            deleted.Add(new DeletedArchive(ArchiveFiles.Month(month), name, runs));
        }

        return deleted;
    }

    internal static DateTimeOffset MonthStart(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
    }

    private Task<long?> OldestUnarchivedAsync(long from, long before, CancellationToken cancellationToken) =>
        reads.RunAsync(
            db => db.Runs.AsNoTracking()
                .Where(r => r.ArchivedIn == null && r.CreatedAt >= from && r.CreatedAt < before && Finished.Contains(r.Status))
                .MinAsync(r => (long?)r.CreatedAt, cancellationToken),
            cancellationToken);

    private async Task<ArchivedMonth?> ArchiveMonthAsync(DateTimeOffset month, CancellationToken cancellationToken)
    {
        var (from, to) = (Mapping.Ticks(month), Mapping.Ticks(month.AddMonths(1)));
        var runs = await reads.RunAsync(
            db => db.Runs.AsNoTracking()
                .Where(r => r.ArchivedIn == null && r.CreatedAt >= from && r.CreatedAt < to && Finished.Contains(r.Status))
                .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id)
                .ToListAsync(cancellationToken),
            cancellationToken);
        if (runs.Count == 0)
        {
            return null;
        }

        var monthName = ArchiveFiles.Month(month);
        var name = await FreeNameAsync(monthName, cancellationToken);
        var audit = await AuditOfAsync(runs.Select(r => r.Id).ToArray(), cancellationToken);
        long bytes;
        await using (var writer = files.Create(name, new ArchiveHeader { Month = monthName, Runs = runs.Count, WrittenAt = clock.GetUtcNow() }))
        {
            foreach (var run in runs)
            {
                await writer.WriteAsync(await LineAsync(run, audit, cancellationToken), cancellationToken);
            }

            bytes = await writer.CommitAsync(cancellationToken);
        }

        var marked = 0;
        foreach (var batch in runs.Chunk(MarkBatch))
        {
            marked += await writes.RunAsync((db, ct) => MarkAsync(db, name, batch, ct), cancellationToken);
        }

        return new ArchivedMonth(monthName, name, marked, bytes);
    }

    /// <summary>
    /// Names the file in the runs' rows and clears their detail, for the runs unchanged since they were written (a run
    /// whose version moved stays whole and hot; it goes into a later part).
    /// </summary>
    private static async Task<int> MarkAsync(OpsFlowDbContext db, string name, RunRow[] batch, CancellationToken cancellationToken)
    {
        var marked = 0;
        foreach (var run in batch)
        {
            marked += await db.Runs
                .Where(r => r.Id == run.Id && r.Version == run.Version && r.ArchivedIn == null)
                .ExecuteUpdateAsync(set => set.SetProperty(r => r.ArchivedIn, name).SetProperty(r => r.Version, r => r.Version + 1), cancellationToken);
        }

        var ids = batch.Select(r => r.Id).ToArray();
        var moved = db.Runs.Where(r => ids.Contains(r.Id) && r.ArchivedIn == name).Select(r => r.Id);
        await db.History.Where(h => moved.Contains(h.RunId)).ExecuteDeleteAsync(cancellationToken);
        await db.StepLogs.Where(l => moved.Contains(l.RunId)).ExecuteDeleteAsync(cancellationToken);
        await db.Steps.Where(s => moved.Contains(s.RunId)).ExecuteUpdateAsync(
            set => set
                .SetProperty(s => s.OutputsJson, "{}")
                .SetProperty(s => s.VotesJson, "[]")
                .SetProperty(s => s.FindingsJson, "[]")
                .SetProperty(s => s.ItemsJson, (string?)null)
                .SetProperty(s => s.ErrorDetail, (string?)null)
                .SetProperty(s => s.ProgressText, (string?)null),
            cancellationToken);
        return marked;
    }

    private Task<ArchivedRunLine> LineAsync(RunRow run, IReadOnlyDictionary<string, List<AuditRow>> audit, CancellationToken cancellationToken) =>
        reads.RunAsync(
            async db => new ArchivedRunLine
            {
                Id = run.Id,
                Run = run,
                Steps = await db.Steps.AsNoTracking().Where(s => s.RunId == run.Id).OrderBy(s => s.Position).ToListAsync(cancellationToken),
                History = await db.History.AsNoTracking().Where(h => h.RunId == run.Id).OrderBy(h => h.Seq).ToListAsync(cancellationToken),
                Logs = await db.StepLogs.AsNoTracking().Where(l => l.RunId == run.Id).OrderBy(l => l.Id).ToListAsync(cancellationToken),
                Audit = audit.GetValueOrDefault(run.Id) ?? [],
            },
            cancellationToken);

    /// <summary>
    /// The audit entries naming one of the runs, read through the index on the target (a run id), a chunk of runs per
    /// query; each run's entries in the chain's order.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, List<AuditRow>>> AuditOfAsync(IReadOnlyList<string> runIds, CancellationToken cancellationToken)
    {
        var byRun = new Dictionary<string, List<AuditRow>>(StringComparer.Ordinal);
        foreach (var chunk in runIds.Chunk(auditChunk))
        {
            var entries = await reads.RunAsync(
                db => db.AuditLog.AsNoTracking().Where(a => chunk.Contains(a.Target)).OrderBy(a => a.Seq).ToListAsync(cancellationToken),
                cancellationToken);
            foreach (var entry in entries)
            {
                (byRun.TryGetValue(entry.Target, out var list) ? list : byRun[entry.Target] = []).Add(entry);
            }
        }

        return byRun;
    }

    /// <summary>
    /// The first part of the month not in use. A file the database names nowhere was left by a pass interrupted before
    /// it marked its runs: those runs are still whole in the database, so the file is replaced.
    /// </summary>
    private async Task<string> FreeNameAsync(string month, CancellationToken cancellationToken)
    {
        for (var part = 1; ; part++)
        {
            var name = ArchiveFiles.Name(month, part);
            if (!files.Exists(name))
            {
                return name;
            }

            var named = await reads.RunAsync(db => db.Runs.AsNoTracking().AnyAsync(r => r.ArchivedIn == name, cancellationToken), cancellationToken);
            if (!named)
            {
                files.Delete(name);
                archived.Forget(name);
                return name;
            }
        }
    }
}
