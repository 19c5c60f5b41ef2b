namespace OpsFlow.Scheduling.Tests;

public sealed class CronTextTests
{
    [Theory]
    [InlineData("0 6 * * *", "0 0 6 * * ?")]
    [InlineData("*/15 * * * *", "0 */15 * * * ?")]
    [InlineData("30 2 * * 1-5", "0 30 2 ? * MON-FRI")]
    [InlineData("0 0 * * 0", "0 0 0 ? * SUN")]
    [InlineData("0 0 * * 7", "0 0 0 ? * SUN")]
    [InlineData("0 9 1 * *", "0 0 9 1 * ?")]
    [InlineData("0 0 6 * * ?", "0 0 6 * * ?")]
    [InlineData("  0/5 * * * * ?  ", "0/5 * * * * ?")]
    public void ToQuartz_ClassicOrQuartzCron_GivesTheQuartzForm(string cron, string expected)
    {
        Assert.Equal(expected, CronText.ToQuartz(cron, out var problem));
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("0 6 1 * 1", "both a day of month and a day of week")]
    [InlineData("every day", "not a cron expression")]
    [InlineData("0 61 * * *", "not a valid cron expression")]
    [InlineData("", "not a cron expression")]
    public void ToQuartz_BadCron_SaysWhatIsWrongAndHowToWriteIt(string cron, string expected)
    {
        Assert.Null(CronText.ToQuartz(cron, out var problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UTC")]
    [InlineData("Europe/Paris")]
    [InlineData("Asia/Tokyo")]
    public void Zone_KnownId_Resolves(string id) => Assert.NotNull(CronText.Zone(id, out _));

    [Fact]
    public void Zone_UnknownId_NamesAnExample()
    {
        Assert.Null(CronText.Zone("Mars/Olympus", out var problem));
        Assert.Contains("Europe/Paris", problem, StringComparison.Ordinal);
    }
}
