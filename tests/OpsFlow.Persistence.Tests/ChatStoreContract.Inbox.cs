using OpsFlow.Chat;

namespace OpsFlow.Persistence.Tests;

/// <summary>Taking over a dead host's activities: adoption is won once, and a live host's touch keeps what it holds.</summary>
public abstract partial class ChatStoreContract
{
    private static readonly DateTimeOffset I0 = new(2026, 11, 26, 11, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task TryAdoptAsync_OneAdopterWins_AndATouchedActivityIsNotAdoptedByAStaleSweep()
    {
        await Store.TryAcceptAsync(new InboundActivity("c|a1", "{}", I0));
        await Store.TryAcceptAsync(new InboundActivity("c|a2", "{}", I0));
        await Store.TryAcceptAsync(new InboundActivity("c|a3", "{}", I0));
        await Store.CompleteAsync("c|a3", I0.AddSeconds(1));

        var adopts = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Store.TryAdoptAsync("c|a1", I0, I0.AddSeconds(20 + i))));
        Assert.Equal(1, adopts.Count(a => a));

        await Store.TouchAsync(["c|a2", "c|a3"], I0.AddSeconds(10));
        Assert.False(await Store.TryAdoptAsync("c|a2", I0, I0.AddSeconds(20)), "a sweep that saw the old arrival time loses to the touch");
        var pending = await Store.GetPendingAsync(I0.AddMinutes(-1));
        Assert.Equal(I0.AddSeconds(10), Assert.Single(pending, p => p.Key == "c|a2").ReceivedAt);
        Assert.DoesNotContain(pending, p => p.Key == "c|a3");
    }
}
