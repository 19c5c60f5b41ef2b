using OpsFlow.Teams.Publishing;

namespace OpsFlow.Teams.Tests.Publishing;

public sealed class ConversationRateLimiterTests
{
    private static readonly DateTimeOffset T0 = PublisherHarness.T0;

    [Fact]
    public void SevenInOneSecond_TheEighthWaitsUntilTheFirstLeavesTheWindow()
    {
        var limiter = new ConversationRateLimiter();
        for (var i = 0; i < 7; i++)
        {
            Assert.Equal(TimeSpan.Zero, limiter.WaitBefore(T0.AddMilliseconds(i * 10)));
            limiter.Record(T0.AddMilliseconds(i * 10));
        }

        Assert.Equal(TimeSpan.FromMilliseconds(930), limiter.WaitBefore(T0.AddMilliseconds(70)));
        Assert.Equal(TimeSpan.Zero, limiter.WaitBefore(T0.AddSeconds(1).AddMilliseconds(10)));
    }

    [Fact]
    public void EightInTwoSeconds_TheNinthWaitsForTheTwoSecondWindow()
    {
        var limiter = new ConversationRateLimiter();
        for (var i = 0; i < 8; i++)
        {
            limiter.Record(T0.AddMilliseconds(i * 200));
        }

        Assert.Equal(TimeSpan.FromMilliseconds(600), limiter.WaitBefore(T0.AddMilliseconds(1400)));
    }

    [Fact]
    public void SixtyInThirtySeconds_TheNextWaitsForTheOldestToAge()
    {
        var limiter = new ConversationRateLimiter();
        for (var i = 0; i < 60; i++)
        {
            limiter.Record(T0.AddMilliseconds(i * 400));
        }

        Assert.Equal(TimeSpan.FromMilliseconds(6400), limiter.WaitBefore(T0.AddMilliseconds(23_600)));
        Assert.False(limiter.IsIdle(T0.AddMinutes(59)));
        Assert.True(limiter.IsIdle(T0.AddHours(2)));
    }
}
