using Microsoft.EntityFrameworkCore;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Persistence;

/// <summary>
/// The mailbox in the run_mailbox table. Taking a letter is an update conditional on nobody having taken it, so two
/// hosts never both hand one command to a run. Letters live seconds: the sender deletes its letter once it has the
/// answer or gives up; letters a dead sender left are deleted an hour after they were posted.
/// </summary>
internal sealed partial class EfRunOwnership
{
    private static readonly TimeSpan LetterLifetime = TimeSpan.FromHours(1);
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(5);
    private DateTimeOffset _prunedAt;

    public Task<long> PostAsync(string runId, string payload, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        writes.RunAsync(async (db, ct) =>
        {
            var row = new RunLetterRow { RunId = runId, Payload = payload, PostedAt = Mapping.Ticks(at) };
            db.Letters.Add(row);
            await db.SaveChangesAsync(ct);
            return row.Id;
        }, cancellationToken);

    public Task<IReadOnlyList<RunLetter>> TakeAsync(CancellationToken cancellationToken = default) =>
        writes.RunAsync<IReadOnlyList<RunLetter>>(async (db, ct) =>
        {
            // The mailbox is read every half second on each host: letters a dead sender left are few, so look for them rarely.
            var now = clock.GetUtcNow();
            if (now - _prunedAt >= PruneEvery)
            {
                var old = Mapping.Ticks(now - LetterLifetime);
                await db.Letters.Where(l => l.PostedAt < old).ExecuteDeleteAsync(ct);
                _prunedAt = now;
            }

            var held = db.Leases.Where(l => l.Holder == HostId).Select(l => l.RunId);
            var waiting = await db.Letters.AsNoTracking()
                .Where(l => l.TakenBy == null && held.Contains(l.RunId))
                .OrderBy(l => l.Id)
                .Select(l => new RunLetter(l.Id, l.RunId, l.Payload))
                .ToListAsync(ct);
            var taken = new List<RunLetter>(waiting.Count);
            foreach (var letter in waiting)
            {
                if (await TryTakeAsync(db, letter.Id, ct))
                {
                    taken.Add(letter);
                }
            }

            return taken;
        }, cancellationToken);

    public Task<bool> TryTakeBackAsync(long letterId, CancellationToken cancellationToken = default) =>
        writes.RunAsync((db, ct) => TryTakeAsync(db, letterId, ct), cancellationToken);

    public Task PutBackAsync(long letterId, CancellationToken cancellationToken = default) =>
        writes.RunAsync(
            (db, ct) => db.Letters.Where(l => l.Id == letterId && l.TakenBy == HostId && l.Answer == null)
                .ExecuteUpdateAsync(set => set.SetProperty(l => l.TakenBy, (string?)null), ct),
            cancellationToken);

    public Task AnswerAsync(long letterId, string answer, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var ticks = Mapping.Ticks(at);
        return writes.RunAsync(
            (db, ct) => db.Letters.Where(l => l.Id == letterId && l.TakenBy == HostId)
                .ExecuteUpdateAsync(set => set.SetProperty(l => l.Answer, answer).SetProperty(l => l.AnsweredAt, ticks), ct),
            cancellationToken);
    }

    public Task<RunLetterState?> ReadAsync(long letterId, CancellationToken cancellationToken = default) =>
        reads.RunAsync(async db =>
        {
            return await db.Letters.AsNoTracking()
                .Where(l => l.Id == letterId)
                .Select(l => new RunLetterState(l.TakenBy, l.Answer))
                .FirstOrDefaultAsync(cancellationToken);
        }, cancellationToken);

    public Task DeleteAsync(long letterId, CancellationToken cancellationToken = default) =>
        writes.RunAsync((db, ct) => db.Letters.Where(l => l.Id == letterId).ExecuteDeleteAsync(ct), cancellationToken);

    private async Task<bool> TryTakeAsync(OpsFlowDbContext db, long letterId, CancellationToken cancellationToken) =>
        await db.Letters.Where(l => l.Id == letterId && l.TakenBy == null)
            .ExecuteUpdateAsync(set => set.SetProperty(l => l.TakenBy, HostId), cancellationToken) == 1;
}
