using OpsFlow.Chat;

namespace OpsFlow.Persistence.Tests;

/// <summary>The notification log: each notification sent once, whichever host or process tries.</summary>
public abstract partial class ChatStoreContract
{
    private static readonly DateTimeOffset N0 = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ClaimNoticeAsync_OneSenderAtATime_AndNeverAgainOnceSent()
    {
        const string key = "r1|failed|deploy|1";
        Assert.Equal(NoticeClaim.Claimed, await Store.ClaimNoticeAsync(key, "r1", "host-a", N0, N0.AddSeconds(-30)));
        Assert.Equal(NoticeClaim.ClaimedElsewhere, await Store.ClaimNoticeAsync(key, "r1", "host-b", N0.AddSeconds(1), N0.AddSeconds(-29)));
        Assert.Equal(NoticeClaim.Claimed, await Store.ClaimNoticeAsync(key, "r1", "host-a", N0.AddSeconds(2), N0.AddSeconds(-28)));

        await Store.CompleteNoticeAsync(key, "host-a", N0.AddSeconds(3));

        Assert.Equal(NoticeClaim.Sent, await Store.ClaimNoticeAsync(key, "r1", "host-b", N0.AddMinutes(5), N0.AddMinutes(4)));
        Assert.Equal(NoticeClaim.Sent, await Store.ClaimNoticeAsync(key, "r1", "host-a", N0.AddMinutes(5), N0.AddMinutes(4)));
    }

    [Fact]
    public async Task ClaimNoticeAsync_AnUnsentClaimOfADeadSender_LapsesAfterTheCutoff()
    {
        const string key = "r2|approval|gate|0";
        Assert.Equal(NoticeClaim.Claimed, await Store.ClaimNoticeAsync(key, "r2", "dead-host", N0, N0.AddSeconds(-30)));

        Assert.Equal(NoticeClaim.ClaimedElsewhere, await Store.ClaimNoticeAsync(key, "r2", "live-host", N0.AddSeconds(20), N0.AddSeconds(-10)));
        Assert.Equal(NoticeClaim.Claimed, await Store.ClaimNoticeAsync(key, "r2", "live-host", N0.AddSeconds(40), N0.AddSeconds(10)));
        await Store.CompleteNoticeAsync(key, "dead-host", N0.AddSeconds(41));
        Assert.Equal(NoticeClaim.Claimed, await Store.ClaimNoticeAsync(key, "r2", "live-host", N0.AddSeconds(42), N0.AddSeconds(12)));
    }

    [Fact]
    public async Task ReleaseNoticeAsync_AfterSendingFailed_LetsAnotherSenderClaimIt()
    {
        const string key = "r3|final|Succeeded";
        Assert.Equal(NoticeClaim.Claimed, await Store.ClaimNoticeAsync(key, "r3", "host-a", N0, N0.AddSeconds(-30)));
        await Store.ReleaseNoticeAsync(key, "host-b");
        Assert.Equal(NoticeClaim.ClaimedElsewhere, await Store.ClaimNoticeAsync(key, "r3", "host-b", N0.AddSeconds(1), N0.AddSeconds(-29)));

        await Store.ReleaseNoticeAsync(key, "host-a");

        Assert.Equal(NoticeClaim.Claimed, await Store.ClaimNoticeAsync(key, "r3", "host-b", N0.AddSeconds(2), N0.AddSeconds(-28)));
    }

    [Fact]
    public async Task ClaimNoticeAsync_ManySendersAtOnce_OneClaims()
    {
        var claims = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            Store.ClaimNoticeAsync("r4|failed|x|1", "r4", $"host-{i}", N0, N0.AddSeconds(-30))));

        Assert.Equal(1, claims.Count(c => c == NoticeClaim.Claimed));
        Assert.Equal(11, claims.Count(c => c == NoticeClaim.ClaimedElsewhere));
    }
}
