using OpsFlow.Chat;

namespace OpsFlow.Persistence.Tests;

/// <summary>What every chat store must do; one subclass per store.</summary>
public abstract partial class ChatStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    protected IChatStore Store { get; private set; } = null!;

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected abstract Task<IChatStore> CreateStoreAsync();

    [Fact]
    public async Task GetConversationAsync_AfterSaveTwice_ReturnsTheLatestReference()
    {
        await Store.SaveConversationAsync(new ConversationReference("19:ops@thread", "https://smba.example/emea/", "msteams", "28:bot", "OpsFlow", "tenant-1", "channel", T0));
        await Store.SaveConversationAsync(new ConversationReference("19:ops@thread", "https://smba.example/amer/", "msteams", "28:bot", "OpsFlow", "tenant-1", "channel", T0.AddHours(1)));

        var found = await Store.GetConversationAsync("19:ops@thread");

        Assert.NotNull(found);
        Assert.Equal("https://smba.example/amer/", found.ServiceUrl);
        Assert.Equal(T0.AddHours(1), found.UpdatedAt);
        Assert.Null(await Store.GetConversationAsync("19:other@thread"));
    }

    [Fact]
    public async Task TryClaimRunCardAsync_OnePosterAtATime_UntilTheCardIsSavedOrTheClaimIsStale()
    {
        Assert.True(await Store.TryClaimRunCardAsync("r1", "19:ops@thread", T0, T0.AddSeconds(-30)), "the first claim posts");
        Assert.False(await Store.TryClaimRunCardAsync("r1", "19:ops@thread", T0.AddSeconds(5), T0.AddSeconds(-25)), "a second host waits while the first posts");
        Assert.True(await Store.TryClaimRunCardAsync("r1", "19:ops@thread", T0.AddSeconds(40), T0.AddSeconds(10)), "a claim older than the cutoff was left by a dead poster");

        await Store.SaveRunCardAsync(new RunCard("r1", "19:ops@thread", "act-1", T0.AddSeconds(41)));

        Assert.False(await Store.TryClaimRunCardAsync("r1", "19:ops@thread", T0.AddHours(1), T0.AddHours(1)), "a posted card is never posted again");
        Assert.Equal("act-1", (await Store.GetRunCardAsync("r1"))?.ActivityId);
    }

    [Fact]
    public async Task TryAcceptAsync_SameKeyTwice_AcceptsOnlyTheFirst()
    {
        Assert.True(await Store.TryAcceptAsync(new InboundActivity("conv|a1", "{\"type\":\"message\"}", T0)), "a new activity is accepted");
        Assert.False(await Store.TryAcceptAsync(new InboundActivity("conv|a1", "{\"type\":\"message\",\"retry\":true}", T0.AddSeconds(15))), "a re-delivery is refused");

        var pending = await Store.GetPendingAsync(T0.AddMinutes(-1));

        var only = Assert.Single(pending);
        Assert.Equal("{\"type\":\"message\"}", only.Json);
    }

    [Fact]
    public async Task TryAcceptAsync_ConcurrentDeliveries_AcceptExactlyOne()
    {
        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Store.TryAcceptAsync(new InboundActivity("conv|race", "{}", T0)))));

        Assert.Equal(1, attempts.Count(accepted => accepted));
    }

    [Fact]
    public async Task GetPendingAsync_ReturnsUnfinishedSinceTheCutoff_OldestFirst()
    {
        await Store.TryAcceptAsync(new InboundActivity("conv|old", "{}", T0.AddHours(-3)));
        await Store.TryAcceptAsync(new InboundActivity("conv|b", "{}", T0.AddSeconds(2)));
        await Store.TryAcceptAsync(new InboundActivity("conv|a", "{}", T0.AddSeconds(1)));
        await Store.TryAcceptAsync(new InboundActivity("conv|done", "{}", T0));
        await Store.CompleteAsync("conv|done", T0.AddSeconds(3));

        var pending = await Store.GetPendingAsync(T0.AddHours(-1));

        Assert.Equal(["conv|a", "conv|b"], pending.Select(p => p.Key));
    }

    [Fact]
    public async Task PruneAsync_DeletesOnlyHandledActivitiesOlderThanTheCutoff()
    {
        await Store.TryAcceptAsync(new InboundActivity("conv|old-done", "{}", T0.AddDays(-3)));
        await Store.CompleteAsync("conv|old-done", T0.AddDays(-3));
        await Store.TryAcceptAsync(new InboundActivity("conv|old-pending", "{}", T0.AddDays(-3)));
        await Store.TryAcceptAsync(new InboundActivity("conv|new-done", "{}", T0));
        await Store.CompleteAsync("conv|new-done", T0);

        var pruned = await Store.PruneAsync(T0.AddDays(-2));

        Assert.Equal(1, pruned);
        Assert.False(await Store.TryAcceptAsync(new InboundActivity("conv|new-done", "{}", T0)), "a recent handled activity still refuses re-delivery");
        Assert.True(await Store.TryAcceptAsync(new InboundActivity("conv|old-done", "{}", T0)), "a pruned key is forgotten");
        Assert.Contains(await Store.GetPendingAsync(T0.AddDays(-4)), p => p.Key == "conv|old-pending");
    }

    [Fact]
    public async Task SaveRunCardAsync_ReplacesTheRunsCard()
    {
        Assert.Null(await Store.GetRunCardAsync("run-1"));
        await Store.SaveRunCardAsync(new RunCard("run-1", "conv-a", "activity-1", T0));
        await Store.SaveRunCardAsync(new RunCard("run-1", "conv-b", "activity-9", T0.AddMinutes(5)));

        var card = await Store.GetRunCardAsync("run-1");

        Assert.Equal(new RunCard("run-1", "conv-b", "activity-9", T0.AddMinutes(5)), card);
    }

    [Fact]
    public async Task SaveRunCardAsync_AfterAClaim_AmidOtherWrites_StoresTheId_AndANullIdToo()
    {
        Assert.True(await Store.TryClaimRunCardAsync("run-1", "conv-a", T0, T0.AddSeconds(-30)));
        var accepts = Enumerable.Range(0, 20).Select(i => Store.TryAcceptAsync(new InboundActivity($"conv-a|{i}", "{}", T0))).ToArray();
        var save = Store.SaveRunCardAsync(new RunCard("run-1", "conv-a", "activity-1", T0.AddSeconds(1)));
        await Task.WhenAll(accepts);
        await save;

        Assert.True(accepts.All(a => a.Result), "the writes queued around the card's save all went through");
        Assert.Equal(new RunCard("run-1", "conv-a", "activity-1", T0.AddSeconds(1)), await Store.GetRunCardAsync("run-1"));

        await Store.SaveRunCardAsync(new RunCard("run-2", "conv-a", null, T0));
        Assert.Equal(new RunCard("run-2", "conv-a", null, T0), await Store.GetRunCardAsync("run-2"));
    }
}

public sealed class InMemoryChatStoreTests : ChatStoreContract
{
    protected override Task<IChatStore> CreateStoreAsync() => Task.FromResult<IChatStore>(new InMemoryChatStore());
}

public sealed class SqliteChatStoreTests : ChatStoreContract
{
    private SqliteDatabase? _database;

    protected override async Task<IChatStore> CreateStoreAsync()
    {
        _database = await SqliteDatabase.CreateAsync();
        return _database.Chat;
    }

    public override async Task DisposeAsync() => await _database!.DisposeAsync();
}
