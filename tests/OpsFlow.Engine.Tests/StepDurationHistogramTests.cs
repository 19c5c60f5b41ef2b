using OpsFlow.Engine.Reports;

namespace OpsFlow.Engine.Tests;

/// <summary>The bucket math every store shares for the step-duration report, and the precision it promises.</summary>
public sealed class StepDurationHistogramTests
{
    [Fact]
    public void DurationBucket_GrowsWithTheDuration_AndIsAtMostASixteenthOfItsLowerBoundWide()
    {
        var random = new Random(7);
        var values = Enumerable.Range(0, 20_000).Select(_ => (long)Math.Exp(random.NextDouble() * Math.Log(long.MaxValue / 2))).Append(0).Append(15).Append(16).Order().ToArray();
        var lowest = new Dictionary<int, long>();
        var highest = new Dictionary<int, long>();
        for (var i = 0; i < values.Length; i++)
        {
            var bucket = ReportRules.DurationBucket(values[i]);
            var previous = values[Math.Max(i - 1, 0)];
            Assert.True(bucket >= ReportRules.DurationBucket(previous), $"bucket of {values[i]} is below the bucket of {previous}");
            lowest[bucket] = Math.Min(lowest.GetValueOrDefault(bucket, long.MaxValue), values[i]);
            highest[bucket] = Math.Max(highest.GetValueOrDefault(bucket), values[i]);
        }

        Assert.All(lowest, b => Assert.True(highest[b.Key] - b.Value <= b.Value / 16, $"bucket {b.Key} holds {b.Value} to {highest[b.Key]}"));
        Assert.Equal(0, ReportRules.DurationBucket(-5));
        Assert.NotEqual(ReportRules.DurationBucket(TimeSpan.FromSeconds(30).Ticks), ReportRules.DurationBucket(TimeSpan.FromSeconds(32).Ticks));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void P95_IsWithinASixteenthOfTheExactNearestRank_AndTotalsAreExact(int seed)
    {
        var random = new Random(seed);
        var ticks = Enumerable.Range(0, 1 + random.Next(5_000)).Select(_ => TimeSpan.FromMilliseconds(random.Next(1, 600_000)).Ticks).ToArray();
        var histogram = new StepDurationHistogram();
        foreach (var t in ticks)
        {
            histogram.Add(t, attempts: 2);
        }

        var line = histogram.ToStepDuration("w", "s");
        var sorted = ticks.Order().ToArray();
        var exact = ReportRules.Milliseconds(sorted[ReportRules.PercentileRank(sorted.Length, 95) - 1]);

        Assert.NotNull(line);
        Assert.True(Math.Abs(line.P95Ms - exact) <= exact / 16, $"p95 {line.P95Ms} ms, exact {exact} ms");
        Assert.Equal(ReportRules.Milliseconds(ticks.Sum()), line.TotalMs);
        Assert.Equal(ReportRules.Milliseconds(ticks.Average()), line.AverageMs, 9);
        Assert.Equal(2 * ticks.Length, line.Attempts);
    }

    [Fact]
    public void P95_OfDistinctDurationsInTheirOwnBuckets_IsExact_AndARemovedStepLeavesNothing()
    {
        var histogram = new StepDurationHistogram();
        histogram.Add(TimeSpan.FromSeconds(20).Ticks, 1);
        histogram.Add(TimeSpan.FromSeconds(50).Ticks, 3);
        histogram.Add(ReportRules.DurationBucket(TimeSpan.FromSeconds(50).Ticks), -1, -3, -TimeSpan.FromSeconds(50).Ticks);

        Assert.Equal(20_000, histogram.ToStepDuration("w", "s")!.P95Ms);
        histogram.Add(ReportRules.DurationBucket(TimeSpan.FromSeconds(20).Ticks), -1, -1, -TimeSpan.FromSeconds(20).Ticks);
        Assert.Null(histogram.ToStepDuration("w", "s"));
    }
}
