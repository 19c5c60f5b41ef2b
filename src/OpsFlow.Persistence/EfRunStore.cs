using Microsoft.EntityFrameworkCore;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Persistence.Archive;

namespace OpsFlow.Persistence;

/// <summary>
/// The run store on EF Core. Reads use their own short-lived contexts; writes go through the <see cref="WriteQueue"/>.
/// An archived run's steps, history and logs are read from its archive file (<see cref="RunRecord.ArchivedIn"/>).
/// </summary>
internal sealed partial class EfRunStore(DatabaseReads reads, WriteQueue writes, TimeProvider clock, ArchivedRuns archived) : IRunStore
{
    private static readonly string[] ActiveStatuses = Enum.GetValues<RunStatus>()
        .Where(StateMachine.IsActive)
        .Select(s => s.ToString())
        .ToArray();

    public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken = default) =>
        reads.RunAsync(async db =>
        {
            var row = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, cancellationToken);
            return row is null ? null : Mapping.ToRecord(row);
        }, cancellationToken);

    public Task<IReadOnlyList<StepRecord>> GetStepsAsync(string runId, CancellationToken cancellationToken = default) =>
        DetailAsync(
            runId,
            db => db.Steps.AsNoTracking().Where(s => s.RunId == runId).OrderBy(s => s.Position).ToListAsync(cancellationToken),
            line => line.Steps.OrderBy(s => s.Position).ToList(),
            Mapping.ToRecord,
            cancellationToken);

    public Task<IReadOnlyList<HistoryEntry>> GetHistoryAsync(string runId, CancellationToken cancellationToken = default) =>
        DetailAsync(
            runId,
            db => db.History.AsNoTracking().Where(h => h.RunId == runId).OrderBy(h => h.Seq).ToListAsync(cancellationToken),
            line => line.History.OrderBy(h => h.Seq).ToList(),
            Mapping.ToRecord,
            cancellationToken);

    public Task<IReadOnlyList<StepLogLine>> GetStepLogAsync(string runId, string step, CancellationToken cancellationToken = default) =>
        DetailAsync(
            runId,
            db => db.StepLogs.AsNoTracking().Where(l => l.RunId == runId && l.Step == step).OrderBy(l => l.Id).ToListAsync(cancellationToken),
            line => line.Logs.Where(l => l.Step == step).OrderBy(l => l.Id).ToList(),
            Mapping.ToRecord,
            cancellationToken);

    public Task<IReadOnlyList<RunRecord>> GetQueuedRunsAsync(string lockKey, CancellationToken cancellationToken = default) =>
        reads.RunAsync<IReadOnlyList<RunRecord>>(async db =>
        {
            var pending = nameof(RunStatus.Pending);
            var rows = await db.Runs.AsNoTracking()
                .Where(r => r.LockKey == lockKey && r.Status == pending)
                .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id)
                .ToListAsync(cancellationToken);
            return rows.Select(Mapping.ToRecord).ToArray();
        }, cancellationToken);

    public Task<RunPage> ListRunsAsync(RunQuery query, CancellationToken cancellationToken = default) =>
        reads.RunAsync(async db =>
        {
            var runs = db.Runs.AsNoTracking();
            if (query.Workflow is { } workflow)
            {
                runs = runs.Where(r => r.Workflow == workflow);
            }

            if (query.Status is { } status)
            {
                var name = status.ToString();
                runs = runs.Where(r => r.Status == name);
            }

            if (query.RequestedBy is { } requester)
            {
                runs = runs.Where(r => r.RequestedById == requester);
            }

            if (query.From is { } from)
            {
                var ticks = Mapping.Ticks(from);
                runs = runs.Where(r => r.CreatedAt >= ticks);
            }

            if (query.To is { } to)
            {
                var ticks = Mapping.Ticks(to);
                runs = runs.Where(r => r.CreatedAt < ticks);
            }

            var total = await runs.CountAsync(cancellationToken);
            var rows = await runs.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id)
                .Skip(query.Skip).Take(query.Take)
                .ToListAsync(cancellationToken);
            return new RunPage(rows.Select(Mapping.ToRecord).ToArray(), total);
        }, cancellationToken);

    public Task<IReadOnlyList<RunSnapshot>> GetActiveRunsAsync(CancellationToken cancellationToken = default) =>
        reads.RunAsync<IReadOnlyList<RunSnapshot>>(async db =>
        {
            var runs = await db.Runs.AsNoTracking()
                .Where(r => ActiveStatuses.Contains(r.Status))
                .OrderBy(r => r.CreatedAt)
                .ToListAsync(cancellationToken);
            var steps = await db.Steps.AsNoTracking()
                .Where(s => db.Runs.Any(r => r.Id == s.RunId && ActiveStatuses.Contains(r.Status)))
                .ToListAsync(cancellationToken);
            var byRun = steps.GroupBy(s => s.RunId).ToDictionary(g => g.Key, g => g.OrderBy(s => s.Position).Select(Mapping.ToRecord).ToArray());
            return runs.Select(r => new RunSnapshot(Mapping.ToRecord(r), byRun.GetValueOrDefault(r.Id) ?? [])).ToArray();
        }, cancellationToken);

    /// <summary>
    /// A run's detail rows, from the database or, for an archived run, from its file; one context. The rows are read
    /// before the run's <c>ArchivedIn</c>, because archiving names the file and clears the rows in one transaction: rows
    /// read before it are whole, and a pass that committed before they were read is seen in <c>ArchivedIn</c> after.
    /// </summary>
    private async Task<IReadOnlyList<TRecord>> DetailAsync<TRow, TRecord>(
        string runId,
        Func<OpsFlowDbContext, Task<List<TRow>>> fromDatabase,
        Func<ArchivedRunLine, List<TRow>> fromArchive,
        Func<TRow, TRecord> map,
        CancellationToken cancellationToken)
    {
        var (rows, file) = await reads.RunAsync(
            async db => (await fromDatabase(db), await ArchivedInAsync(db, runId, cancellationToken)),
            cancellationToken);
        if (file is not null)
        {
            rows = fromArchive(await archived.GetAsync(file, runId, cancellationToken));
        }

        return rows.Select(map).ToArray();
    }

    /// <summary>The archive file of an archived run; null for a run whose detail is in the database (or no run).</summary>
    private static Task<string?> ArchivedInAsync(OpsFlowDbContext db, string runId, CancellationToken cancellationToken) =>
        db.Runs.AsNoTracking().Where(r => r.Id == runId).Select(r => r.ArchivedIn).FirstOrDefaultAsync(cancellationToken);
}
