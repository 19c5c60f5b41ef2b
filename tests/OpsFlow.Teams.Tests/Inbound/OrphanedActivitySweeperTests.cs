using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OpsFlow.Teams.Inbound;
using OpsFlow.Chat;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Tests.Inbound;

/// <summary>
/// Two hosts on one chat store: an activity held by a live host is never taken over however long it waits there;
/// once that host dies, another host takes it within the orphan period.
/// </summary>
public sealed class OrphanedActivitySweeperTests
{
    private static readonly TimeSpan OrphanedAfter = TimeSpan.FromSeconds(15);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));
    private readonly InMemoryChatStore _store = new();

    [Fact]
    public async Task ActivityHeldByALiveHost_IsNotAdopted_AndIsAdoptedSoonAfterThatHostDies()
    {
        var (inboxA, sweeperA) = Host();
        var (inboxB, sweeperB) = Host();
        var activity = new Activity { Type = ActivityTypes.Message, Id = "act-1", Conversation = new ConversationAccount { Id = "19:ops@thread" }, Text = "/status" };
        Assert.True(await inboxA.AcceptAsync(activity, Encoding.UTF8.GetBytes("{}"), CancellationToken.None));
        const string key = "19:ops@thread|act-1";
        await sweeperA.StartAsync(CancellationToken.None);
        await sweeperB.StartAsync(CancellationToken.None);

        // Host A holds the activity (a long backlog, say) for four orphan periods.
        await AdvanceAsync(OrphanedAfter * 4);
        Assert.False(inboxB.IsHere(key), "an activity a live host holds is not taken over");

        await sweeperA.StopAsync(CancellationToken.None);
        var died = _clock.GetUtcNow();
        await AdvanceAsync(OrphanedAfter * 2, until: () => inboxB.IsHere(key));

        Assert.True(inboxB.IsHere(key), "the dead host's activity is taken over");
        Assert.True(_clock.GetUtcNow() - died <= OrphanedAfter + OrphanedAfter / 3 + TimeSpan.FromSeconds(1), $"taken over {_clock.GetUtcNow() - died} after the host died");
        Assert.True(inboxB.Reader.TryRead(out var adopted) && adopted.Inbound.Key == key, "and queued for handling there");
        await sweeperB.StopAsync(CancellationToken.None);
    }

    private (ActivityInbox Inbox, OrphanedActivitySweeper Sweeper) Host()
    {
        var options = new TeamsOptions { OrphanedActivityAfter = OrphanedAfter };
        var inbox = new ActivityInbox(_store, options, _clock);
        return (inbox, new OrphanedActivitySweeper(inbox, _store, options, _clock, NullLogger<OrphanedActivitySweeper>.Instance));
    }

    /// <summary>Moves the fake clock in small steps, letting the sweepers' loops run between them.</summary>
    private async Task AdvanceAsync(TimeSpan total, Func<bool>? until = null)
    {
        for (var moved = TimeSpan.Zero; moved < total && until?.Invoke() != true; moved += TimeSpan.FromMilliseconds(250))
        {
            _clock.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System);
        }
    }
}
