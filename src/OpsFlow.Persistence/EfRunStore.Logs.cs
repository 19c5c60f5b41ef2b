using Microsoft.EntityFrameworkCore;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Persistence;

/// <summary>Incremental log reads and log retention.</summary>
internal sealed partial class EfRunStore
{
    /// <summary>
    /// Lines deleted per write: each batch is one short transaction on the single writer, so runs keep saving
    /// between batches instead of waiting behind one long delete.
    /// </summary>
    internal const int TrimBatchSize = 5_000;

    public async Task<StepLogPage> GetStepLogAfterAsync(string runId, string step, long after, int take, CancellationToken cancellationToken = default)
    {
        // The rows before the run's file, as in DetailAsync.
        var (rows, file) = await reads.RunAsync(
            async db => (
                await db.StepLogs.AsNoTracking()
                    .Where(l => l.RunId == runId && l.Step == step && l.Id > after)
                    .OrderBy(l => l.Id)
                    .Take(take + 1)
                    .ToListAsync(cancellationToken),
                await ArchivedInAsync(db, runId, cancellationToken)),
            cancellationToken);
        if (file is not null)
        {
            var logs = (await archived.GetAsync(file, runId, cancellationToken)).Logs;
            rows = logs.Where(l => l.Step == step && l.Id > after).OrderBy(l => l.Id).Take(take + 1).ToList();
        }

        return Page(rows, after, take);
    }

    private static StepLogPage Page(List<StepLogRow> rows, long after, int take)
    {
        var lines = rows.Take(take).ToArray();
        return new StepLogPage(lines.Select(Mapping.ToRecord).ToArray(), lines.Length == 0 ? after : lines[^1].Id, rows.Count > take);
    }

    public async Task<int> TrimStepLogsAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        var ticks = Mapping.Ticks(before);
        var total = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var deleted = await writes.RunAsync(
                (db, ct) => db.Database.ExecuteSqlAsync(
                    $"""
                    DELETE FROM "step_logs" WHERE "Id" IN (
                        SELECT l."Id" FROM "runs" r JOIN "step_logs" l ON l."RunId" = r."Id"
                        WHERE r."EndedAt" < {ticks}
                        LIMIT {TrimBatchSize})
                    """,
                    ct),
                cancellationToken);
            total += deleted;
            if (deleted < TrimBatchSize)
            {
                return total;
            }
        }
    }
}
