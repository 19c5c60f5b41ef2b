using Microsoft.EntityFrameworkCore;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Engine.Reports;

namespace OpsFlow.Persistence;

/// <summary>
/// Keeps <c>step_duration_rollup</c> equal to the sum of the step rows, inside the transaction that writes them.
/// <para>
/// Why months: a day holds too few steps of one (workflow, step) to share buckets (about 14 a day in a year of
/// 1,000,000 steps), so a daily histogram has as many rows as the steps it sums and a year of it reads as slowly
/// as the steps. A month fills its buckets (a year of that history is about 170,000 rollup rows against a million
/// steps, and a busier history grows the steps, not the rollup). The report reads whole months from here and the
/// rest of its range (at most two partial months) from the step rows, and both go into the same
/// <see cref="StepDurationHistogram"/>, so the answer does not depend on where a range starts.
/// </para>
/// </summary>
internal static class StepDurationRollup
{
    public const string BackfillName = "step_duration_rollup";

    /// <summary>The rollup's month of a run: UTC month of its creation.</summary>
    public static DateTimeOffset Month(DateTimeOffset time) => new(time.UtcDateTime.Year, time.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The first month starting at or after <paramref name="time"/> (the end of time when there is none).</summary>
    public static DateTimeOffset MonthAtOrAfter(DateTimeOffset time)
    {
        var month = Month(time);
        return month == time ? month : month.UtcDateTime.Year == 9999 && month.Month == 12 ? DateTimeOffset.MaxValue : month.AddMonths(1);
    }

    /// <summary>What a change does to the rollup: the saved steps' contributions taken away, the new ones added.</summary>
    public static IReadOnlyList<StepDurationRollupRow> Deltas(RunRecord run, IEnumerable<StepRecord> saved, IEnumerable<StepRecord> changed)
    {
        var month = Mapping.Ticks(Month(run.CreatedAt));
        var sums = new Dictionary<(string Step, int Bucket), (long Steps, long Attempts, long Ticks, long CpuSteps, long CpuMs)>();
        void Add(StepRecord step, int sign)
        {
            if (ReportRules.StepDurationTicks(step) is { } ticks)
            {
                var key = (step.Name, ReportRules.DurationBucket(ticks));
                var (s, a, t, cs, cm) = sums.GetValueOrDefault(key);
                var cpu = step.CpuMilliseconds;
                sums[key] = (s + sign, a + (sign * step.Attempt), t + (sign * ticks), cs + (cpu is null ? 0 : sign), cm + (sign * (cpu ?? 0)));
            }
        }

        foreach (var step in saved)
        {
            Add(step, -1);
        }

        foreach (var step in changed)
        {
            Add(step, +1);
        }

        return sums.Where(d => d.Value != default)
            .Select(d => new StepDurationRollupRow
            {
                Month = month, Workflow = run.Workflow, Step = d.Key.Step, Bucket = d.Key.Bucket,
                Steps = d.Value.Steps, Attempts = d.Value.Attempts, Ticks = d.Value.Ticks, CpuSteps = d.Value.CpuSteps, CpuMilliseconds = d.Value.CpuMs,
            })
            .ToArray();
    }

    /// <summary>
    /// Adds the deltas, creating rows as needed: INSERT … VALUES (…), (…) ON CONFLICT DO UPDATE, as in PostgreSQL,
    /// which refuses a statement that updates one row twice, so deltas to the same row are summed first.
    /// </summary>
    public static async Task ApplyAsync(OpsFlowDbContext db, IReadOnlyList<StepDurationRollupRow> deltas, CancellationToken cancellationToken)
    {
        if (deltas.Count == 0)
        {
            return;
        }

        var rows = deltas
            .GroupBy(d => (d.Month, d.Workflow, d.Step, d.Bucket))
            .Select(g => (g.Key, Steps: g.Sum(d => d.Steps), Attempts: g.Sum(d => d.Attempts), Ticks: g.Sum(d => d.Ticks), CpuSteps: g.Sum(d => d.CpuSteps), CpuMs: g.Sum(d => d.CpuMilliseconds)))
            .Where(g => (g.Steps, g.Attempts, g.Ticks, g.CpuSteps, g.CpuMs) != default)
            .ToArray();
        foreach (var chunk in rows.Chunk(MaxRowsPerStatement))
        {
            var values = string.Join(", ", chunk.Select((_, i) => "(" + string.Join(", ", Enumerable.Range(i * Columns, Columns).Select(n => $"{{{n}}}")) + ")"));
            var parameters = chunk.SelectMany(r => new object[] { r.Key.Month, r.Key.Workflow, r.Key.Step, r.Key.Bucket, r.Steps, r.Attempts, r.Ticks, r.CpuSteps, r.CpuMs }).ToArray();
            await db.Database.ExecuteSqlRawAsync(ReportSql.AddToRollup(values), parameters, cancellationToken);
        }
    }

    // 9 parameters a row: 4,500 a statement, far below SQLite's 32,766 and PostgreSQL's 65,535.
    private const int Columns = 9;
    private const int MaxRowsPerStatement = 500;

    /// <summary>The saved state of the changed steps, read inside the write: for callers that do not say it.</summary>
    public static async Task<IReadOnlyList<StepRecord>> ReadSavedAsync(OpsFlowDbContext db, RunChange change, CancellationToken cancellationToken)
    {
        var names = change.Steps.Select(s => s.Name).ToArray();
        var rows = await db.Steps.AsNoTracking()
            .Where(s => s.RunId == change.Run.Id && names.Contains(s.Name))
            .ToListAsync(cancellationToken);
        return rows.Select(Mapping.ToRecord).ToArray();
    }
}
