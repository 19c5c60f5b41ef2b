using OpsFlow.Engine.Model;
using OpsFlow.Chat;

namespace OpsFlow.Teams.Tests.Publishing;

/// <summary>
/// A notification is announced once across restarts and hosts: the notice log (shared, like the database) decides,
/// not the memory of one publisher.
/// </summary>
public class RunNotificationOnceTests
{
    [Fact]
    public async Task Notification_ClaimedByASenderThatDied_IsSentOnceItsClaimLapses_AndNeverAgain()
    {
        var harness = new PublisherHarness();
        await harness.ConversationAsync("c1");
        await harness.CreateRunAsync("r1", "c1");
        await harness.AdvanceAsync(TimeSpan.FromSeconds(5));
        // Another host claimed the failure notice and died before sending it.
        Assert.Equal(NoticeClaim.Claimed, await harness.Chats.ClaimNoticeAsync("r1|failed||", "r1", "dead-host", harness.Clock.GetUtcNow(), harness.Clock.GetUtcNow().AddSeconds(-30)));

        await harness.SetStatusAsync("r1", RunStatus.Failed);
        await harness.AdvanceAsync(TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(harness.Connector.Calls, c => c.Activity.Text?.Contains("Run r1", StringComparison.Ordinal) == true);

        await harness.AdvanceAsync(TimeSpan.FromSeconds(30));
        Assert.Single(harness.Connector.Calls, c => c.Activity.Text?.Contains("Run r1 (deploy) failed", StringComparison.Ordinal) == true);

        harness.Restart();
        await harness.SetStatusAsync("r1", RunStatus.Failed);
        await harness.AdvanceAsync(TimeSpan.FromSeconds(40));
        Assert.Single(harness.Connector.Calls, c => c.Activity.Text?.Contains("Run r1 (deploy) failed", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Notification_SentByAnotherHost_IsNotSentHere()
    {
        var harness = new PublisherHarness();
        await harness.ConversationAsync("c1");
        await harness.CreateRunAsync("r2", "c1");
        await harness.AdvanceAsync(TimeSpan.FromSeconds(5));
        var now = harness.Clock.GetUtcNow();
        await harness.Chats.ClaimNoticeAsync("r2|failed||", "r2", "other-host", now, now.AddSeconds(-30));
        await harness.Chats.CompleteNoticeAsync("r2|failed||", "other-host", now);

        await harness.SetStatusAsync("r2", RunStatus.Failed);
        await harness.AdvanceAsync(TimeSpan.FromSeconds(60));

        Assert.DoesNotContain(harness.Connector.Calls, c => c.Activity.Text?.Contains("Run r2", StringComparison.Ordinal) == true);
        Assert.Contains(harness.Connector.Calls, c => c.Kind == "Update" && c.Activity.Summary?.Contains("run r2: Failed", StringComparison.Ordinal) == true);
    }
}
