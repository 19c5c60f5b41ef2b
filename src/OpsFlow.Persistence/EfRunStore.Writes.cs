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
            await StepDurationRollup.ApplyAsync(db, StepDurationRollup.Deltas(run.Run, [], run.Steps), ct);
            return new CreateRunResult.Created(run.Run, acquired, holderId);
        }, cancellationToken));

    /// <summary>
    /// The run, its steps, history and logs, and what the steps change in the step-duration rollup, in one
    /// transaction. The engine says what the steps were (<see cref="RunChange.SavedSteps"/>), so the hot path
    /// reads nothing back, and the rollup costs one statement per group-committed batch in which a step ended;
    /// a change that does not say is applied by itself, reading the saved steps first.
    /// </summary>
    public Task SaveAsync(RunChange change, CancellationToken cancellationToken = default)
    {
        if (change.SavedSteps is null && change.Steps.Count > 0)
        {
            return writes.RunAsync(async (db, ct) =>
            {
                var saved = await StepDurationRollup.ReadSavedAsync(db, change, ct);
                Stage(db, change);
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (Exception ex)
                {
                    throw Translate(change, ex);
                }

                await AfterSaveAsync(db, change, StepDurationRollup.Deltas(change.Run, saved, change.Steps), ct);
                return true;
            }, cancellationToken);
        }

        var deltas = StepDurationRollup.Deltas(change.Run, change.SavedSteps ?? [], change.Steps);
        return writes.StageAsync(
            db => Stage(db, change),
            change.ReleaseLock is not null ? (db, ct) => AfterSaveAsync(db, change, [], ct) : null,
            deltas,
            error => Translate(change, error),
            cancellationToken);
    }

    private static void Stage(OpsFlowDbContext db, RunChange change)
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
    }

    private static async Task AfterSaveAsync(OpsFlowDbContext db, RunChange change, IReadOnlyList<StepDurationRollupRow> deltas, CancellationToken cancellationToken)
    {
        if (change.ReleaseLock is { } key)
        {
            await db.Locks.Where(l => l.Key == key && l.RunId == change.Run.Id).ExecuteDeleteAsync(cancellationToken);
        }

        await StepDurationRollup.ApplyAsync(db, deltas, cancellationToken);
    }

    private static Exception Translate(RunChange change, Exception error) => error is DbUpdateConcurrencyException
        ? new ConcurrencyException($"Run {change.Run.Id} was changed by someone else (expected version {change.ExpectedVersion}).")
        : error;

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
