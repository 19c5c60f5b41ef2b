using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Engine.Reports;

namespace OpsFlow.Testing;

/// <summary>The reports over an <see cref="InMemoryRunStore"/>, for tests: the reference the database queries must match.</summary>
public sealed class InMemoryRunReports(InMemoryRunStore store) : IRunReports
{
    public Task<RunSummary> GetSummaryAsync(ReportRange range, CancellationToken cancellationToken = default)
    {
        var runs = Runs(range).Select(r => r.Run).ToArray();
        var durations = runs.Select(Duration).OfType<long>().Order().ToArray();
        var finished = runs.Count(r => ReportRules.IsFinished(r.Status));
        var succeeded = Count(runs, RunStatus.Succeeded);
        var (skip, take) = ReportRules.MedianWindow(durations.Length);
        return Task.FromResult(new RunSummary(
            runs.Length,
            succeeded,
            Count(runs, RunStatus.Failed),
            Count(runs, RunStatus.RolledBack),
            Count(runs, RunStatus.Cancelled),
            ReportRules.Rate(succeeded, finished),
            durations.Length == 0 ? 0 : ReportRules.Milliseconds(durations.Average()),
            ReportRules.Milliseconds(ReportRules.Median(durations.Skip(skip).Take(take).ToArray(), durations.Length))));
    }

    public Task<IReadOnlyList<SuccessRateBucket>> GetSuccessRateAsync(ReportRange range, ReportBucket bucket, CancellationToken cancellationToken = default)
    {
        var first = ReportRules.BucketStart(range.From, bucket);
        var width = ReportRules.Width(bucket).Ticks;
        var counts = Runs(range)
            .GroupBy(r => (r.Run.CreatedAt - first).Ticks / width)
            .ToDictionary(g => g.Key, g => (
                g.Count(),
                g.Count(r => r.Run.Status == RunStatus.Succeeded),
                g.Count(r => ReportRules.IsFinished(r.Run.Status))));
        return Task.FromResult(ReportRules.Buckets(range, bucket, counts));
    }

    public Task<IReadOnlyList<StepDuration>> GetStepDurationsAsync(ReportRange range, string? workflow, CancellationToken cancellationToken = default)
    {
        var groups = new Dictionary<(string Workflow, string Step), StepDurationHistogram>();
        foreach (var (run, steps) in Runs(range).Where(r => workflow is null || r.Run.Workflow == workflow))
        {
            foreach (var step in steps)
            {
                if (ReportRules.StepDurationTicks(step) is { } ticks)
                {
                    var key = (run.Workflow, step.Name);
                    if (!groups.TryGetValue(key, out var histogram))
                    {
                        groups[key] = histogram = new StepDurationHistogram();
                    }

                    histogram.Add(ticks, step.Attempt, step.CpuMilliseconds);
                }
            }
        }

        return Task.FromResult(ReportRules.OrderStepDurations(groups.Select(g => g.Value.ToStepDuration(g.Key.Workflow, g.Key.Step)).OfType<StepDuration>()));
    }

    public Task<IReadOnlyList<FailureCause>> GetFailuresAsync(ReportRange range, int take, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<FailureCause> causes = Runs(range)
            .SelectMany(r => r.Steps.Where(s => ReportRules.FailedSteps.Contains(s.Status))
                .Select(s => (r.Run.Workflow, Step: s.Name, Error: s.Error ?? "", At: s.EndedAt ?? r.Run.CreatedAt, RunId: r.Run.Id)))
            .GroupBy(f => (f.Workflow, f.Step, f.Error))
            .Select(g =>
            {
                var last = g.OrderByDescending(f => f.At).ThenByDescending(f => f.RunId, StringComparer.Ordinal).First();
                return new FailureCause(g.Key.Workflow, g.Key.Step, g.Key.Error, g.Count(), last.At, last.RunId);
            })
            .OrderByDescending(f => f.Count).ThenByDescending(f => f.LastAt)
            .ThenBy(f => f.Workflow, StringComparer.Ordinal).ThenBy(f => f.Step, StringComparer.Ordinal).ThenBy(f => f.Error, StringComparer.Ordinal)
            .Take(take)
            .ToArray();
        return Task.FromResult(causes);
    }

    public Task<IReadOnlyList<WorkflowUsage>> GetWorkflowsAsync(ReportRange range, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<WorkflowUsage> usage = Runs(range)
            .Select(r => r.Run)
            .GroupBy(r => r.Workflow, StringComparer.Ordinal)
            .Select(g =>
            {
                var runs = g.ToArray();
                var durations = runs.Select(Duration).OfType<long>().ToArray();
                var succeeded = Count(runs, RunStatus.Succeeded);
                var last = runs.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id, StringComparer.Ordinal).First();
                return new WorkflowUsage(
                    g.Key,
                    runs.Length,
                    succeeded,
                    ReportRules.Rate(succeeded, runs.Count(r => ReportRules.IsFinished(r.Status))),
                    durations.Length == 0 ? 0 : ReportRules.Milliseconds(durations.Average()),
                    last.CreatedAt,
                    last.Id,
                    last.Status);
            })
            .OrderByDescending(w => w.Runs).ThenBy(w => w.Workflow, StringComparer.Ordinal)
            .ToArray();
        return Task.FromResult(usage);
    }

    public async Task<IReadOnlyList<StepFailureEvent>> GetStepFailuresAsync(string workflow, string step, DateTimeOffset since, int take, CancellationToken cancellationToken = default)
    {
        var events = new List<StepFailureEvent>();
        foreach (var run in store.Snapshot().Select(r => r.Run).Where(r => r.Workflow == workflow))
        {
            var history = await store.GetHistoryAsync(run.Id, cancellationToken);
            events.AddRange(history
                .Where(h => h.Kind == HistoryKind.Step && h.Step == step && h.To is "Failed" or "TimedOut" && h.At >= since)
                .Select(h => new StepFailureEvent(run.Id, h.Seq, h.At, h.Reason, run.WorkflowVersion)));
        }

        return [.. events.OrderByDescending(e => e.At).ThenByDescending(e => e.RunId, StringComparer.Ordinal).ThenByDescending(e => e.Seq).Take(take)];
    }

    private IEnumerable<RunSnapshot> Runs(ReportRange range) =>
        store.Snapshot().Where(r => r.Run.CreatedAt >= range.From && r.Run.CreatedAt < range.To);

    private static int Count(IEnumerable<RunRecord> runs, RunStatus status) => runs.Count(r => r.Status == status);

    private static long? Duration(RunRecord run) =>
        ReportRules.IsFinished(run.Status) && run.StartedAt is { } started && run.EndedAt is { } ended ? (ended - started).Ticks : null;
}
