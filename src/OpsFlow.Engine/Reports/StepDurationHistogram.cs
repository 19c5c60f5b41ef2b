using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Reports;

/// <summary>
/// The figures of one (workflow, step) in the step-duration report, kept as a histogram of
/// <see cref="ReportRules.DurationBucket"/> buckets with, per bucket, the steps, their attempts and their total
/// ticks. Counts, attempts, totals and the average are exact; the 95th percentile is the mean duration of the
/// bucket that holds the nearest-rank 95th value, so it lies in the same bucket as the exact value: within
/// 1/16 (6.25%) of it, and exact when that bucket holds one distinct duration. Stores that keep a rollup
/// (per month and bucket) and stores that read every row build the same histogram, so they give the same figure.
/// </summary>
public sealed class StepDurationHistogram
{
    // Filled row by row (tens of thousands for a month of step rows), ordered once at the end.
    private readonly Dictionary<int, (long Steps, long Attempts, long Ticks)> _buckets = [];
    // CPU is summed, not bucketed: the report gives its total and average, no percentile.
    private long _cpuSteps;
    private long _cpuMilliseconds;

    /// <summary>One step row: its last attempt's duration, how many attempts it took, and its processes' CPU time if it ran any.</summary>
    public void Add(long ticks, int attempts, long? cpuMilliseconds = null) =>
        Add(ReportRules.DurationBucket(ticks), 1, attempts, ticks, cpuMilliseconds is null ? 0 : 1, cpuMilliseconds ?? 0);

    /// <summary>A bucket's figures, already summed (from a rollup). Negative figures take away (a step row that changed).</summary>
    public void Add(int bucket, long steps, long attempts, long ticks, long cpuSteps = 0, long cpuMilliseconds = 0)
    {
        var (s, a, t) = _buckets.GetValueOrDefault(bucket);
        _buckets[bucket] = (s + steps, a + attempts, t + ticks);
        _cpuSteps += cpuSteps;
        _cpuMilliseconds += cpuMilliseconds;
    }

    /// <summary>The report's line, or null when no step is left.</summary>
    public StepDuration? ToStepDuration(string workflow, string step)
    {
        long steps = 0, attempts = 0, ticks = 0;
        foreach (var (s, a, t) in _buckets.Values)
        {
            steps += s;
            attempts += a;
            ticks += t;
        }

        if (steps <= 0)
        {
            return null;
        }

        var rank = ReportRules.PercentileRank((int)steps, 95);
        double p95 = 0;
        long seen = 0;
        foreach (var (s, _, t) in _buckets.OrderBy(b => b.Key).Select(b => b.Value))
        {
            seen += s;
            if (s > 0 && seen >= rank)
            {
                p95 = (double)t / s;
                break;
            }
        }

        return new StepDuration(
            workflow, step, (int)attempts, ReportRules.Milliseconds((double)ticks / steps), ReportRules.Milliseconds(p95), ReportRules.Milliseconds(ticks))
        {
            AverageCpuMs = _cpuSteps > 0 ? (double)_cpuMilliseconds / _cpuSteps : null,
            TotalCpuMs = _cpuSteps > 0 ? _cpuMilliseconds : null,
        };
    }
}
