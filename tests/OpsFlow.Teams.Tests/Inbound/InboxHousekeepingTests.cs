using OpsFlow.Chat;
using OpsFlow.Teams.Inbound;

namespace OpsFlow.Teams.Tests.Inbound;

public sealed class InboxHousekeepingTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task HandledIdsOlderThanTheRetention_AreForgotten_NewerOnesAndPendingOnesStay()
    {
        var store = new InMemoryChatStore();
        await store.TryAcceptAsync(new InboundActivity("old", "{}", Start));
        await store.CompleteAsync("old", Start);
        await store.TryAcceptAsync(new InboundActivity("recent", "{}", Start + TimeSpan.FromDays(2)));
        await store.CompleteAsync("recent", Start + TimeSpan.FromDays(2));
        await store.TryAcceptAsync(new InboundActivity("pending", "{}", Start));
        var housekeeping = new InboxHousekeeping(store, new TeamsOptions { InboxRetention = TimeSpan.FromDays(2) });

        var removed = await housekeeping.RunAsync(Start + TimeSpan.FromDays(3), CancellationToken.None);

        Assert.Equal(1, removed);
        Assert.True(await store.TryAcceptAsync(new InboundActivity("old", "{}", Start + TimeSpan.FromDays(3))), "a forgotten id is new again");
        Assert.False(await store.TryAcceptAsync(new InboundActivity("recent", "{}", Start + TimeSpan.FromDays(3))), "an id inside the retention is still refused as a re-delivery");
        Assert.Contains(await store.GetPendingAsync(DateTimeOffset.MinValue), a => a.Key == "pending");
    }
}
