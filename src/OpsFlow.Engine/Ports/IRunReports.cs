using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Ports;

/// <summary>
/// Reports over the run history (docs/product.md §9, §11): queries the store answers itself, so that a year of runs
/// never has to be loaded to draw a chart. Every report covers the runs created in [From, To).
/// <list type="bullet">
/// <item>A run is finished when it Succeeded, Failed, RolledBack or was Cancelled; success rates are
/// succeeded / finished (0 when nothing finished).</item>
/// <item>A duration is EndedAt − StartedAt of a finished run, or of a step's last attempt; records
/// without both times are left out of durations.</item>
/// <item>A median is exact. The step durations' 95th percentile comes from a histogram every store builds alike
/// (<see cref="Reports.StepDurationHistogram"/>): the mean of the bucket holding the nearest-rank value (position
/// ⌈0.95·n⌉ of the sorted durations), within 6.25% of it, so a store may keep the buckets summed ahead of time.</item>
/// </list>
/// </summary>
public interface IRunReports
{
    Task<RunSummary> GetSummaryAsync(ReportRange range, CancellationToken cancellationToken = default);

    /// <summary>One entry per UTC day or ISO week (Monday) touching the range, empty ones included, oldest first.</summary>
    Task<IReadOnlyList<SuccessRateBucket>> GetSuccessRateAsync(ReportRange range, ReportBucket bucket, CancellationToken cancellationToken = default);

    /// <summary>Where time goes: per workflow and step, ordered by total time, largest first.</summary>
    Task<IReadOnlyList<StepDuration>> GetStepDurationsAsync(ReportRange range, string? workflow, CancellationToken cancellationToken = default);

    /// <summary>
    /// The most frequent failure causes: steps that ended Failed or TimedOut, grouped by workflow, step and error
    /// text, most frequent first (then the most recent).
    /// </summary>
    Task<IReadOnlyList<FailureCause>> GetFailuresAsync(ReportRange range, int take, CancellationToken cancellationToken = default);

    /// <summary>Usage per workflow, most runs first.</summary>
    Task<IReadOnlyList<WorkflowUsage>> GetWorkflowsAsync(ReportRange range, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every time a step of a workflow ended Failed or TimedOut at or after <paramref name="since"/>, read from the
    /// run history (so a failure a retry later cleared counts too), newest first, at most <paramref name="take"/>.
    /// </summary>
    Task<IReadOnlyList<StepFailureEvent>> GetStepFailuresAsync(string workflow, string step, DateTimeOffset since, int take, CancellationToken cancellationToken = default);
}

/// <summary>One failure of a step as its history entry recorded it (<see cref="HistoryEntry.Reason"/> holds the error).</summary>
public sealed record StepFailureEvent(string RunId, long Seq, DateTimeOffset At, string Reason, string? WorkflowVersion);

/// <summary>A half-open time range [From, To).</summary>
public sealed record ReportRange(DateTimeOffset From, DateTimeOffset To);

public enum ReportBucket
{
    Day,
    Week,
}

public sealed record RunSummary(
    int Runs, int Succeeded, int Failed, int RolledBack, int Cancelled, double SuccessRate, double AverageDurationMs, double MedianDurationMs);

public sealed record SuccessRateBucket(DateTimeOffset Start, int Runs, int Succeeded, double SuccessRate);

public sealed record StepDuration(string Workflow, string Step, int Attempts, double AverageMs, double P95Ms, double TotalMs)
{
    /// <summary>CPU time of the steps' processes (ctx.Run), averaged over the steps that ran any; null when none did.</summary>
    public double? AverageCpuMs { get; init; }

    /// <summary>That CPU time summed; null when no step ran a process.</summary>
    public double? TotalCpuMs { get; init; }
}

public sealed record FailureCause(string Workflow, string Step, string Error, int Count, DateTimeOffset LastAt, string LastRunId);

public sealed record WorkflowUsage(
    string Workflow, int Runs, int Succeeded, double SuccessRate, double AverageDurationMs, DateTimeOffset LastRunAt, string LastRunId, RunStatus LastStatus);
