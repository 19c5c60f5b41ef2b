using Microsoft.EntityFrameworkCore;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Persistence;

/// <summary>The emergency stop in force, one row of emergency_stop (none when lifted), shared by every host.</summary>
internal sealed class EfEmergencyStopStore(DatabaseReads reads, WriteQueue writes) : IEmergencyStopStore
{
    private const int TheRow = 1;

    public Task<EmergencyStopState?> GetAsync(CancellationToken cancellationToken = default) =>
        reads.RunAsync(async db =>
        {
            var row = await db.EmergencyStop.AsNoTracking().FirstOrDefaultAsync(r => r.Id == TheRow, cancellationToken);
            return row is null ? null : new EmergencyStopState(row.ById, row.ByName, row.Reason, Mapping.Time(row.At));
        }, cancellationToken);

    public Task SetAsync(EmergencyStopState? state, CancellationToken cancellationToken = default) =>
        Conflicts.RetryAsync(() => writes.RunAsync(async (db, ct) =>
        {
            var row = await db.EmergencyStop.FirstOrDefaultAsync(r => r.Id == TheRow, ct);
            if (state is null)
            {
                if (row is not null)
                {
                    db.EmergencyStop.Remove(row);
                }
            }
            else
            {
                if (row is null)
                {
                    row = new EmergencyStopRow { Id = TheRow };
                    db.EmergencyStop.Add(row);
                }

                (row.ById, row.ByName, row.Reason, row.At) = (state.ById, state.ByName, state.Reason, Mapping.Ticks(state.At));
            }

            await db.SaveChangesAsync(ct);
            return true;
        }, cancellationToken));
}

/// <summary>The one row of emergency_stop while a stop is in force.</summary>
internal sealed class EmergencyStopRow
{
    public int Id { get; set; }
    public string ById { get; set; } = "";
    public string ByName { get; set; } = "";
    public string Reason { get; set; } = "";
    public long At { get; set; }
}
