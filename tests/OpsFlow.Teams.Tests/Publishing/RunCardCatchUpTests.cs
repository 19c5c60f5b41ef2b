using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Teams.Tests.Publishing;

/// <summary>
/// A restart after a crash: a run that ended while its card write was still pending in the dead process's memory
/// gets its card brought up to date, a run that never got a card gets one; a notification the dead process sent is
/// not sent again, and one it never sent is sent now.
/// </summary>
public class RunCardCatchUpTests
{
    [Fact]
    public async Task CatchUp_AfterARestart_UpdatesPendingCards_PostsMissingOnes_AndLeavesOldOnesAlone()
    {
        var harness = new PublisherHarness();
        await harness.ConversationAsync("c1");
        await harness.CreateRunAsync("old", "c1");
        await harness.SetStatusAsync("old", RunStatus.Succeeded);
        await harness.AdvanceAsync(TimeSpan.FromSeconds(5));
        harness.Clock.Advance(TimeSpan.FromMinutes(30));
        await harness.CreateRunAsync("announced", "c1");
        await harness.SetStatusAsync("announced", RunStatus.Failed);
        await harness.AdvanceAsync(TimeSpan.FromSeconds(5));
        Assert.Single(harness.Connector.Calls, c => c.Activity.Text?.Contains("Run announced", StringComparison.Ordinal) == true);
        await harness.CreateRunAsync("pending", "c1");
        await harness.AdvanceAsync(TimeSpan.FromSeconds(5));
        // Saved but never written to the card: the process dies before its next flush.
        await EndSilentlyAsync(harness, "pending", RunStatus.Failed);
        await harness.Store.CreateRunAsync(new NewRun(Run("unannounced", harness.Clock.GetUtcNow()), [], new HistoryEntry("unannounced", 1, harness.Clock.GetUtcNow(), HistoryKind.Run, "test", null, null, "Pending", "created")));
        await EndSilentlyAsync(harness, "unannounced", RunStatus.Succeeded);
        var before = harness.Connector.Calls.Count;

        harness.Restart();
        await harness.Publisher.CatchUpAsync(CancellationToken.None);
        await harness.AdvanceAsync(TimeSpan.FromSeconds(10));

        var after = harness.Connector.Calls.Skip(before).ToArray();
        var pending = Assert.Single(after, c => c.Activity.Summary?.Contains("run pending:", StringComparison.Ordinal) == true);
        Assert.Equal("Update", pending.Kind);
        Assert.Contains("run pending: Failed", pending.Activity.Summary, StringComparison.Ordinal);
        var unannounced = Assert.Single(after, c => c.Activity.Summary?.Contains("run unannounced:", StringComparison.Ordinal) == true);
        Assert.Equal("Send", unannounced.Kind);
        Assert.DoesNotContain(after, c => c.Activity.Summary?.Contains("run old:", StringComparison.Ordinal) == true);
        var notices = after.Where(c => c.Activity.Text is not null).Select(c => c.Activity.Text!).ToArray();
        Assert.True(notices.Length == 1 && notices[0].Contains("Run pending (deploy) failed", StringComparison.Ordinal),
            "only the failure the dead process never announced is announced now: " + string.Join(" | ", notices));
        var announced = Assert.Single(after, c => c.Activity.Summary?.Contains("run announced:", StringComparison.Ordinal) == true);
        Assert.Equal("Update", announced.Kind);
    }

    private static async Task EndSilentlyAsync(PublisherHarness harness, string runId, RunStatus status)
    {
        var run = (await harness.Store.GetRunAsync(runId))!;
        var now = harness.Clock.GetUtcNow();
        await harness.Store.SaveAsync(new RunChange(run with { Status = status, StartedAt = run.StartedAt ?? now, EndedAt = now, Version = run.Version + 1 }, run.Version));
    }

    private static RunRecord Run(string id, DateTimeOffset at) => new()
    {
        Id = id,
        Workflow = "deploy",
        Status = RunStatus.Pending,
        Parameters = new Dictionary<string, string>(),
        RequestedById = "user-id-0",
        RequestedByName = "Alex Wilber",
        Trigger = "chat",
        ReplyTo = "c1",
        CreatedAt = at,
        Version = 1,
    };
}
