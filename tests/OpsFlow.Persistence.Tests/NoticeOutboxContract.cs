using OpsFlow.Engine.Ports;

namespace OpsFlow.Persistence.Tests;

/// <summary>What every <see cref="INoticeOutbox"/> must do: each delivery once per channel, one sender at a time, kept until sent or given up.</summary>
public abstract class NoticeOutboxContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    protected INoticeOutbox Outbox { get; set; } = null!;

    protected abstract Task<INoticeOutbox> CreateAsync();

    public async Task InitializeAsync() => Outbox = await CreateAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private static NoticeDelivery Delivery(string key, string channel, DateTimeOffset at) =>
        new(key, channel, "r1", NoticeLevel.Error, $"subject {key}", $"text {key}", at) { NextAt = at };

    [Fact]
    public async Task Enqueue_TheSameEventTwice_KeepsOneDeliveryPerChannel()
    {
        await Outbox.EnqueueAsync([Delivery("r1|failed", "email:oncall", T0), Delivery("r1|failed", "webhook:pager", T0)]);
        await Outbox.EnqueueAsync([Delivery("r1|failed", "email:oncall", T0.AddSeconds(5))]);

        var all = await Outbox.ListAsync(failedOnly: false, take: 10);

        Assert.Equal(["email:oncall", "webhook:pager"], all.Select(d => d.Channel).Order());
        Assert.Equal(T0, all.Single(d => d.Channel == "email:oncall").CreatedAt);
    }

    [Fact]
    public async Task Claim_TakesOnlyItsChannelsDueDeliveries_AndAnotherSenderWaitsUntilTheClaimLapses()
    {
        await Outbox.EnqueueAsync([Delivery("a", "email:oncall", T0), Delivery("b", "email:oncall", T0.AddMinutes(5)), Delivery("c", "webhook:pager", T0)]);

        var first = await Outbox.ClaimDueAsync("email:oncall", "host-1", T0.AddSeconds(1), T0.AddMinutes(-2), 10);
        var other = await Outbox.ClaimDueAsync("email:oncall", "host-2", T0.AddSeconds(2), T0.AddMinutes(-2), 10);
        var lapsed = await Outbox.ClaimDueAsync("email:oncall", "host-2", T0.AddMinutes(3), T0.AddMinutes(1), 10);

        Assert.Equal(["a"], first.Select(d => d.Key));
        Assert.Empty(other);
        Assert.Equal(["a"], lapsed.Select(d => d.Key));
    }

    [Fact]
    public async Task Failed_IsRetriedWhenDue_ThenSent_OrGivenUpAndListedAsFailed()
    {
        await Outbox.EnqueueAsync([Delivery("a", "webhook:pager", T0), Delivery("b", "webhook:pager", T0)]);
        var claimed = await Outbox.ClaimDueAsync("webhook:pager", "host-1", T0, T0.AddMinutes(-2), 10);

        await Outbox.MarkFailedAsync(claimed.Single(d => d.Key == "a"), "HttpRequestException: 503", T0.AddSeconds(10));
        await Outbox.MarkFailedAsync(claimed.Single(d => d.Key == "b"), "HttpRequestException: 404", retryAt: null);

        Assert.Empty(await Outbox.ClaimDueAsync("webhook:pager", "host-1", T0.AddSeconds(5), T0.AddMinutes(-2), 10));
        var again = Assert.Single(await Outbox.ClaimDueAsync("webhook:pager", "host-1", T0.AddSeconds(11), T0.AddMinutes(-2), 10));
        Assert.Equal(("a", 1, "HttpRequestException: 503"), (again.Key, again.Attempts, again.LastError));
        var failing = await Outbox.ListAsync(failedOnly: true, take: 10);
        Assert.Equal(["a", "b"], failing.Select(d => d.Key).Order());
        Assert.True(failing.Single(d => d.Key == "b").GaveUp);

        await Outbox.MarkSentAsync(again, T0.AddSeconds(12));

        Assert.Equal(["b"], (await Outbox.ListAsync(failedOnly: true, take: 10)).Select(d => d.Key));
        Assert.Equal(T0.AddSeconds(12), (await Outbox.ListAsync(false, 10)).Single(d => d.Key == "a").SentAt);
    }
}

public sealed class SqliteNoticeOutboxTests : NoticeOutboxContract
{
    private SqliteDatabase? _database;

    protected override async Task<INoticeOutbox> CreateAsync()
    {
        _database = await SqliteDatabase.CreateAsync();
        return _database.Outbox;
    }

    public override async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

[Trait(Categories.Name, Categories.Slow)]
public sealed class PostgresNoticeOutboxTests : NoticeOutboxContract
{
    private PostgresDatabase? _database;

    protected override async Task<INoticeOutbox> CreateAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        return _database.Outbox;
    }

    public override async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
