using Microsoft.EntityFrameworkCore;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Persistence;

/// <summary>The writes: each one runs on the single writer, inside one (group-committed) transaction.</summary>
internal sealed partial class EfRunStore
{
    public Task<CreateRunResult> CreateRunAsync(NewRun run, CancellationToken cancellationToken = default) =>
        Conflicts.RetryAsync(() => writes.RunAsync<CreateRunResult>(async (db, ct) =>
        {
            if (run.Run.RequestId is { } requestId
                && await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.RequestId == requestId, ct) is { } existing)
            {
                return new CreateRunResult.Duplicate(Mapping.ToRecord(existing));
            }

            var acquired = true;
            string? holderId = null;
            if (run.Run.LockKey is { } key)
            {
                var held = await db.Locks.AsNoTracking().FirstOrDefaultAsync(l => l.Key == key, ct);
                if (held is not null)
                {
                    if (!run.QueueIfLocked)
                    {
                        var holder = await db.Runs.AsNoTracking().FirstAsync(r => r.Id == held.RunId, ct);
                        return new CreateRunResult.LockHeld(Mapping.ToRecord(holder));
                    }

                    acquired = false;
                    holderId = held.RunId;
                }
                else
                {
                    db.Locks.Add(new LockRow { Key = key, RunId = run.Run.Id, AcquiredAt = Mapping.Ticks(clock.GetUtcNow()) });
                }
            }

            db.Runs.Add(Mapping.ToRow(run.Run));
            db.Steps.AddRange(run.Steps.Select(Mapping.ToRow));
            db.History.Add(Mapping.ToRow(run.Created));
            await db.SaveChangesAsync(ct);
            return new CreateRunResult.Created(run.Run, acquired, holderId);
        }, cancellationToken));

    public Task SaveAsync(RunChange change, CancellationToken cancellationToken = default) =>
        writes.StageAsync(
            db =>
            {
                var run = db.Runs.Attach(Mapping.ToRow(change.Run));
                run.State = EntityState.Modified;
                run.Property(r => r.Version).OriginalValue = change.ExpectedVersion;
                foreach (var step in change.Steps)
                {
                    db.Steps.Update(Mapping.ToRow(step));
                }

                db.History.AddRange(change.History.Select(Mapping.ToRow));
                db.StepLogs.AddRange(change.Logs.Select(Mapping.ToRow));
            },
            change.ReleaseLock is { } key
                ? (db, ct) => db.Locks.Where(l => l.Key == key && l.RunId == change.Run.Id).ExecuteDeleteAsync(ct)
                : null,
            error => error is DbUpdateConcurrencyException
                ? new ConcurrencyException($"Run {change.Run.Id} was changed by someone else (expected version {change.ExpectedVersion}).")
                : error,
            cancellationToken);

    public Task<bool> TryAcquireLockAsync(string lockKey, string runId, CancellationToken cancellationToken = default) =>
        Conflicts.RetryAsync(() => writes.RunAsync(async (db, ct) =>
        {
            var held = await db.Locks.AsNoTracking().FirstOrDefaultAsync(l => l.Key == lockKey, ct);
            if (held is not null)
            {
                return held.RunId == runId;
            }

            db.Locks.Add(new LockRow { Key = lockKey, RunId = runId, AcquiredAt = Mapping.Ticks(clock.GetUtcNow()) });
            await db.SaveChangesAsync(ct);
            return true;
        }, cancellationToken));
}
