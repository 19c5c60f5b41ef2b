using System.Text;
using Microsoft.Extensions.Time.Testing;
using OpsFlow.Chat;
using OpsFlow.Teams.Inbound;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Tests.Inbound;

/// <summary>An activity is queued once per host: the start-up replay and the orphan sweep never queue one this host holds.</summary>
public sealed class ActivityInboxTests
{
    [Fact]
    public async Task Requeue_OfAnActivityQueuedHere_OrHandledButNotYetRecorded_QueuesNothing()
    {
        var store = new InMemoryChatStore();
        var inbox = new ActivityInbox(store, new TeamsOptions(), new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero)));
        var activity = new Activity { Type = ActivityTypes.Message, Id = "act-1", Conversation = new ConversationAccount { Id = "19:ops@thread" }, Text = "/status" };
        Assert.True(await inbox.AcceptAsync(activity, Encoding.UTF8.GetBytes("{}"), CancellationToken.None));
        var pending = Assert.Single(await store.GetPendingAsync(DateTimeOffset.MinValue));

        Assert.False(inbox.Requeue(pending), "the replay found the activity the endpoint just queued");
        Assert.True(inbox.Reader.TryRead(out _));
        inbox.Done(pending.Key);
        Assert.False(inbox.Requeue(pending), "handled here, its record in the store still being written");
        Assert.True(inbox.IsHere(pending.Key), "still this host's until recorded");

        inbox.Recorded(pending.Key);
        Assert.False(inbox.IsHere(pending.Key));
        Assert.False(inbox.Reader.TryRead(out _), "the activity was queued a second time");
    }
}
