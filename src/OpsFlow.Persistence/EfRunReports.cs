using Microsoft.EntityFrameworkCore;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Engine.Reports;

namespace OpsFlow.Persistence;

/// <summary>
/// The reports as SQL the database aggregates (ReportSql.cs): only the answer leaves the database, whatever the
/// range. IX_runs_reports covers every column the run queries read; IX_steps_failed holds only failed steps.
/// </summary>
internal sealed class EfRunReports(DatabaseReads reads) : IRunReports
{
    public Task<RunSummary> GetSummaryAsync(ReportRange range, CancellationToken cancellationToken = default) =>
        reads.RunAsync(async db =>
        {
            var (from, to) = Ticks(range);
            var totals = (await db.Database.SqlQuery<SummaryRow>(ReportSql.Summary(from, to)).ToListAsync(cancellationToken))[0];
            var (skip, take) = ReportRules.MedianWindow(totals.Timed);
            var middle = totals.Timed == 0 ? [] : await db.Database.SqlQuery<long>(ReportSql.Durations(from, to, skip, take)).ToListAsync(cancellationToken);
            var finished = totals.Succeeded + totals.Failed + totals.RolledBack + totals.Cancelled;
            return new RunSummary(
                totals.Runs,
                totals.Succeeded,
                totals.Failed,
                totals.RolledBack,
                totals.Cancelled,
                ReportRules.Rate(totals.Succeeded, finished),
                ReportRules.Milliseconds(totals.AverageTicks ?? 0),
                ReportRules.Milliseconds(ReportRules.Median(middle, totals.Timed)));
        }, cancellationToken);

    public Task<IReadOnlyList<SuccessRateBucket>> GetSuccessRateAsync(ReportRange range, ReportBucket bucket, CancellationToken cancellationToken = default) =>
        reads.RunAsync<IReadOnlyList<SuccessRateBucket>>(async db =>
        {
            var (from, to) = Ticks(range);
            var origin = Mapping.Ticks(ReportRules.BucketStart(range.From, bucket));
            var rows = await db.Database.SqlQuery<BucketRow>(ReportSql.Buckets(from, to, origin, ReportRules.Width(bucket).Ticks)).ToListAsync(cancellationToken);
            return ReportRules.Buckets(range, bucket, rows.ToDictionary(r => r.Bucket, r => (r.Runs, r.Succeeded, r.Finished)));
        }, cancellationToken);

    /// <summary>
    /// Whole UTC months of the range from the rollup, the partial months at its edges from the step rows, all into
    /// one histogram per (workflow, step): the same figures the in-memory reports compute from every row.
    /// </summary>
    public Task<IReadOnlyList<StepDuration>> GetStepDurationsAsync(ReportRange range, string? workflow, CancellationToken cancellationToken = default) =>
        reads.RunAsync<IReadOnlyList<StepDuration>>(async db =>
        {
            var groups = new Dictionary<(string Workflow, string Step), StepDurationHistogram>();
            StepDurationHistogram Group(string workflow, string step)
            {
                if (!groups.TryGetValue((workflow, step), out var histogram))
                {
                    groups[(workflow, step)] = histogram = new StepDurationHistogram();
                }

                return histogram;
            }

            var (firstMonth, endMonth) = (StepDurationRollup.MonthAtOrAfter(range.From), StepDurationRollup.Month(range.To));
            var rawRanges = new List<(DateTimeOffset From, DateTimeOffset To)>();
            if (firstMonth < endMonth)
            {
                var buckets = ReportSql.StepDurationBuckets(Mapping.Ticks(firstMonth), Mapping.Ticks(endMonth), workflow);
                await SqlRows.ReadAsync(db, buckets, r => Group(r.GetString(0), r.GetString(1)).Add(r.GetInt32(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6), r.GetInt64(7)), cancellationToken);

                rawRanges.Add((range.From, firstMonth));
                rawRanges.Add((endMonth, range.To));
            }
            else
            {
                rawRanges.Add((range.From, range.To));
            }

            foreach (var (from, to) in rawRanges.Where(r => r.From < r.To))
            {
                var rows = ReportSql.StepDurationRows(Mapping.Ticks(from), Mapping.Ticks(to), workflow);
                await SqlRows.ReadAsync(db, rows, r => Group(r.GetString(0), r.GetString(1)).Add(r.GetInt64(3), r.GetInt32(2), r.IsDBNull(4) ? null : r.GetInt64(4)), cancellationToken);
            }

            return ReportRules.OrderStepDurations(groups.Select(g => g.Value.ToStepDuration(g.Key.Workflow, g.Key.Step)).OfType<StepDuration>());
        }, cancellationToken);

    public Task<IReadOnlyList<FailureCause>> GetFailuresAsync(ReportRange range, int take, CancellationToken cancellationToken = default) =>
        reads.RunAsync<IReadOnlyList<FailureCause>>(async db =>
        {
            var (from, to) = Ticks(range);
            var rows = await db.Database.SqlQuery<FailureRow>(ReportSql.Failures(from, to, take)).ToListAsync(cancellationToken);
            return rows.Select(r => new FailureCause(r.Workflow, r.Step, r.Error, r.Count, Mapping.Time(r.LastAt), r.LastRunId)).ToArray();
        }, cancellationToken);

    public Task<IReadOnlyList<WorkflowUsage>> GetWorkflowsAsync(ReportRange range, CancellationToken cancellationToken = default) =>
        reads.RunAsync<IReadOnlyList<WorkflowUsage>>(async db =>
        {
            var (from, to) = Ticks(range);
            var rows = await db.Database.SqlQuery<WorkflowRow>(ReportSql.Workflows(from, to)).ToListAsync(cancellationToken);
            return rows.Select(r => new WorkflowUsage(
                    r.Workflow,
                    r.Runs,
                    r.Succeeded,
                    ReportRules.Rate(r.Succeeded, r.Finished),
                    ReportRules.Milliseconds(r.AverageTicks ?? 0),
                    Mapping.Time(r.LastAt),
                    r.LastRunId,
                    Enum.Parse<RunStatus>(r.LastStatus)))
                .ToArray();
        }, cancellationToken);

    public Task<IReadOnlyList<StepFailureEvent>> GetStepFailuresAsync(string workflow, string step, DateTimeOffset since, int take, CancellationToken cancellationToken = default) =>
        reads.RunAsync<IReadOnlyList<StepFailureEvent>>(async db =>
        {
            var rows = await db.Database.SqlQuery<StepFailureRow>(ReportSql.StepFailures(workflow, step, Mapping.Ticks(since), take)).ToListAsync(cancellationToken);
            return rows.Select(r => new StepFailureEvent(r.RunId, r.Seq, Mapping.Time(r.At), r.Reason, r.WorkflowVersion)).ToArray();
        }, cancellationToken);

    private static (long From, long To) Ticks(ReportRange range) => (Mapping.Ticks(range.From), Mapping.Ticks(range.To));
}
