using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Teams.Tests.Publishing;

/// <summary>
/// A restart after a crash: a run that ended while its card write was still pending in the dead process's memory
/// gets its card brought up to date, a run that never got a card gets one, and neither repeats a notification.
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
        Assert.True(after.All(c => c.Activity.Text is null), "no notification is sent again: " + string.Join(" | ", after.Select(c => c.Activity.Text)));
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
