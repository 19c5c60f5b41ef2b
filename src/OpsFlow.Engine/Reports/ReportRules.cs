using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Reports;

/// <summary>The definitions every <see cref="IRunReports"/> shares, so that stores agree to the last digit.</summary>
public static class ReportRules
{
    public static readonly IReadOnlyList<RunStatus> Finished = [RunStatus.Succeeded, RunStatus.Failed, RunStatus.RolledBack, RunStatus.Cancelled];

    public static readonly IReadOnlyList<StepStatus> FailedSteps = [StepStatus.Failed, StepStatus.TimedOut];

    /// <summary>More buckets than this is a chart nobody can read, and an answer too big to send.</summary>
    public const int MaxBuckets = 1_000;

    public static bool IsFinished(RunStatus status) => Finished.Contains(status);

    public static double Rate(int succeeded, int finished) => finished == 0 ? 0 : (double)succeeded / finished;

    public static double Milliseconds(double ticks) => ticks / TimeSpan.TicksPerMillisecond;

    /// <summary>The 1-based rank of the p-th percentile among n sorted values (nearest rank).</summary>
    public static int PercentileRank(int count, int percent) => (int)(((long)count * percent + 99) / 100);

    public static TimeSpan Width(ReportBucket bucket) => bucket == ReportBucket.Week ? TimeSpan.FromDays(7) : TimeSpan.FromDays(1);

    /// <summary>The start of the bucket holding <paramref name="time"/>: UTC midnight, or the Monday of its ISO week.</summary>
    public static DateTimeOffset BucketStart(DateTimeOffset time, ReportBucket bucket)
    {
        var day = new DateTimeOffset(time.UtcDateTime.Date, TimeSpan.Zero);
        if (bucket == ReportBucket.Day)
        {
            return day;
        }

        var sinceMonday = ((int)day.DayOfWeek + 6) % 7;
        return day.AddDays(-sinceMonday);
    }

    public static int BucketCount(ReportRange range, ReportBucket bucket)
    {
        var first = BucketStart(range.From, bucket);
        var width = Width(bucket).Ticks;
        return range.To <= range.From ? 0 : (int)Math.Min(int.MaxValue, ((range.To - first).Ticks + width - 1) / width);
    }

    /// <summary>Every bucket of the range, filled from (bucket index → runs, succeeded, finished) counts.</summary>
    public static IReadOnlyList<SuccessRateBucket> Buckets(ReportRange range, ReportBucket bucket, IReadOnlyDictionary<long, (int Runs, int Succeeded, int Finished)> counts)
    {
        var first = BucketStart(range.From, bucket);
        var width = Width(bucket);
        var buckets = new SuccessRateBucket[BucketCount(range, bucket)];
        for (var i = 0; i < buckets.Length; i++)
        {
            var (runs, succeeded, finished) = counts.GetValueOrDefault(i);
            buckets[i] = new SuccessRateBucket(first + (width * i), runs, succeeded, Rate(succeeded, finished));
        }

        return buckets;
    }

    /// <summary>The median of sorted values: the middle one, or the mean of the two middle ones.</summary>
    public static double Median(IReadOnlyList<long> middle, int count) => count == 0 ? 0
        : count % 2 == 1 ? middle[0] : (middle[0] + (double)middle[1]) / 2;

    /// <summary>Where the median's values start among n sorted values, and how many to read (1 or 2).</summary>
    public static (int Skip, int Take) MedianWindow(int count) => ((count - 1) / 2, count % 2 == 1 ? 1 : 2);

    /// <summary>
    /// Sub-buckets per doubling of a step duration: a bucket is at most 1/16 (6.25%) of its lower bound wide. Twice
    /// as fine would double what a year's report reads (the rollup's rows per month grow with the buckets a step's
    /// durations fill) for a p95 that is already the mean of its bucket, not its edge.
    /// </summary>
    public const int DurationSubBuckets = 16;

    private const int SubBucketBits = 4;

    /// <summary>
    /// The histogram bucket of a step duration, log-linear in integers (no floating point, so every store and
    /// every platform puts a duration in the same bucket): below 16 ticks each value is its own bucket; above,
    /// each doubling [2^e, 2^(e+1)) is cut into 16 equal parts. Buckets grow with the duration; negative
    /// durations (a clock set back) share bucket 0.
    /// </summary>
    public static int DurationBucket(long ticks)
    {
        if (ticks < DurationSubBuckets)
        {
            return (int)Math.Max(ticks, 0);
        }

        var exponent = System.Numerics.BitOperations.Log2((ulong)ticks);
        var part = (int)(ticks >> (exponent - SubBucketBits)) & (DurationSubBuckets - 1);
        return ((exponent - SubBucketBits + 1) << SubBucketBits) + part;
    }

    /// <summary>What a step's current row adds to the step-duration report: its last attempt's duration, when it has both times.</summary>
    public static long? StepDurationTicks(StepRecord step) =>
        step.StartedAt is { } started && step.EndedAt is { } ended ? (ended - started).Ticks : null;

    /// <summary>The step-duration report's order: largest total first, then workflow and step (ordinal).</summary>
    public static IReadOnlyList<StepDuration> OrderStepDurations(IEnumerable<StepDuration> rows) =>
        rows.OrderByDescending(s => s.TotalMs).ThenBy(s => s.Workflow, StringComparer.Ordinal).ThenBy(s => s.Step, StringComparer.Ordinal).ToArray();
}
