using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using OpsFlow.Engine.Reports;

namespace OpsFlow.Persistence;

/// <summary>
/// Rebuilds <c>step_duration_rollup</c> from the step rows when a migration asked for it (a row in
/// <c>pending_backfills</c>): the migration that adds the rollup does, so a database with history gets its rollup at
/// the first start after the upgrade. The bucket of a duration is integer C# (ReportRules.DurationBucket) that
/// plain SQL cannot portably compute, hence C# and not the migration's SQL. One transaction, which takes the write
/// lock first (the DELETE): a crash half-way leaves the request in place and the next start does it again.
/// </summary>
internal static class StepDurationBackfill
{
    public static async Task<bool> RunIfPendingAsync(OpsFlowDbContext db, CancellationToken cancellationToken)
    {
        if (!await db.PendingBackfills.AnyAsync(p => p.Name == StepDurationRollup.BackfillName, cancellationToken))
        {
            return false;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.StepDurationRollup.ExecuteDeleteAsync(cancellationToken);
        await using var insert = InsertCommand(db, transaction);
        var month = long.MinValue;
        var sums = new Dictionary<(string Workflow, string Step, int Bucket), RollupSums>();

        // Runs come in creation order, so a month is complete when the next begins: memory holds one month.
        await foreach (var row in db.Database.SqlQuery<BackfillRow>(ReportSql.StepDurationsByCreation()).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            var rowMonth = Mapping.Ticks(StepDurationRollup.Month(Mapping.Time(row.CreatedAt)));
            if (rowMonth != month)
            {
                await FlushAsync(insert, month, sums, cancellationToken);
                month = rowMonth;
            }

            var key = (row.Workflow, row.Step, ReportRules.DurationBucket(row.Ticks));
            var (s, a, t, cs, cm) = sums.GetValueOrDefault(key);
            sums[key] = new RollupSums(s + 1, a + row.Attempt, t + row.Ticks, cs + (row.CpuMilliseconds is null ? 0 : 1), cm + (row.CpuMilliseconds ?? 0));
        }

        await FlushAsync(insert, month, sums, cancellationToken);
        await db.PendingBackfills.Where(p => p.Name == StepDurationRollup.BackfillName).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static DbCommand InsertCommand(OpsFlowDbContext db, IDbContextTransaction transaction)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction.GetDbTransaction();
        command.CommandText = """
            INSERT INTO "step_duration_rollup" ("Month", "Workflow", "Step", "Bucket", "Steps", "Attempts", "Ticks", "CpuSteps", "CpuMilliseconds")
            VALUES (@month, @workflow, @step, @bucket, @steps, @attempts, @ticks, @cpuSteps, @cpuMilliseconds)
            """;
        foreach (var name in (string[])["@month", "@workflow", "@step", "@bucket", "@steps", "@attempts", "@ticks", "@cpuSteps", "@cpuMilliseconds"])
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private static async Task FlushAsync(
        DbCommand insert, long month, Dictionary<(string Workflow, string Step, int Bucket), RollupSums> sums, CancellationToken cancellationToken)
    {
        foreach (var ((workflow, step, bucket), (steps, attempts, ticks, cpuSteps, cpuMilliseconds)) in sums)
        {
            object[] values = [month, workflow, step, bucket, steps, attempts, ticks, cpuSteps, cpuMilliseconds];
            for (var i = 0; i < values.Length; i++)
            {
                insert.Parameters[i].Value = values[i];
            }

            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        sums.Clear();
    }
}

internal readonly record struct RollupSums(long Steps, long Attempts, long Ticks, long CpuSteps, long CpuMilliseconds);

internal sealed class BackfillRow
{
    public long CreatedAt { get; set; }
    public string Workflow { get; set; } = "";
    public string Step { get; set; } = "";
    public int Attempt { get; set; }
    public long Ticks { get; set; }
    public long? CpuMilliseconds { get; set; }
}
