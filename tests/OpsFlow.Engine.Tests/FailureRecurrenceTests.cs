using System.Collections.Concurrent;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Reports;

namespace OpsFlow.Engine.Tests;

/// <summary>Whether a failure is new, read from the history of several runs of one workflow.</summary>
public sealed class FailureRecurrenceTests
{
    // What each attempt of the push step does, in order: null succeeds, a text fails with it.
    private readonly ConcurrentQueue<string?> _outcomes = new();

    private EngineHarness Harness(out FailureRecurrences recurrences)
    {
        var store = new InMemoryRunStore();
        var harness = new EngineHarness(store);
        var workflow = new WorkflowBuilder("sync");
        workflow.Step("push", _ =>
        {
            if (_outcomes.TryDequeue(out var error) && error is not null)
            {
                throw new InvalidOperationException(error);
            }
        });
        harness.Add(workflow.Build());
        recurrences = new FailureRecurrences(new InMemoryRunReports(store), store, harness.Time);
        return harness;
    }

    private async Task<(RunRecord Run, FailureRecurrence Recurrence)> FailAsync(EngineHarness harness, FailureRecurrences recurrences, string error)
    {
        _outcomes.Enqueue(error);
        var run = await harness.StartAsync("sync");
        var failed = await harness.WaitForRunAsync(run.Id, RunStatus.Failed);
        var recurrence = await recurrences.OfAsync(failed, await harness.StepAsync(run.Id, "push"), CancellationToken.None);
        harness.Clock.Advance(TimeSpan.FromHours(6));
        return (failed, recurrence);
    }

    [Fact]
    public async Task AFailureSeenBefore_SaysHowOftenWhenAndHowItWasCleared_ANewOneSaysItIsNew()
    {
        await using var harness = Harness(out var recurrences);

        // Run A fails on one database host and is cleared by Bob's retry.
        var (a, first) = await FailAsync(harness, recurrences, "connect to 10.0.0.7:5432 timed out after 00:00:30");
        Assert.Equal(0, first.Count);
        Assert.StartsWith("New: no failure like this in the last 30 days", first.Text, StringComparison.Ordinal);
        _outcomes.Enqueue(null);
        Assert.Equal(CommandOutcome.Done, (await harness.Engine.SendAsync(a.Id, new RunCommand.Retry(EngineHarness.Bob))).Outcome);
        await harness.WaitForRunAsync(a.Id, RunStatus.Succeeded);

        // Run B fails the same way on another host: seen once, cleared by the retry.
        var (_, again) = await FailAsync(harness, recurrences, "connect to 10.0.0.9:5432 timed out after 00:01:00");
        Assert.Equal(first.Fingerprint, again.Fingerprint);
        Assert.Equal((1, a.Id, "a retry by Bob (bob)"), (again.Count, again.LastRunId, again.ClearedBy));
        Assert.Contains($"Seen 1 time in 30 days (same workflow, step and normalised error), last in run {a.Id} on 26 Nov, cleared then by a retry by Bob (bob)", again.Text, StringComparison.Ordinal);

        // Another error is another failure.
        var (c, other) = await FailAsync(harness, recurrences, "cannot write /srv/a/state.json: permission denied");
        Assert.NotEqual(first.Fingerprint, other.Fingerprint);
        Assert.Equal(0, other.Count);

        // Nothing has cleared C yet; then a run succeeds, and the next failure like C's says that run cleared it.
        var (d, stillFailing) = await FailAsync(harness, recurrences, "cannot write /srv/b/state.json: permission denied");
        Assert.Equal((1, c.Id), (stillFailing.Count, stillFailing.LastRunId));
        Assert.StartsWith("nothing yet", stillFailing.ClearedBy, StringComparison.Ordinal);
        _outcomes.Enqueue(null);
        var fine = await harness.StartAsync("sync");
        await harness.WaitForRunAsync(fine.Id, RunStatus.Succeeded);
        harness.Clock.Advance(TimeSpan.FromHours(1));
        var (_, third) = await FailAsync(harness, recurrences, "cannot write /srv/c/state.json: permission denied");
        Assert.Equal((2, d.Id, $"a later run that succeeded (run {fine.Id})"), (third.Count, third.LastRunId, third.ClearedBy));
    }

    [Fact]
    public async Task FailuresOlderThan30Days_AreNotCounted()
    {
        await using var harness = Harness(out var recurrences);
        await FailAsync(harness, recurrences, "disk full on /var");
        harness.Clock.Advance(TimeSpan.FromDays(31));

        var (_, later) = await FailAsync(harness, recurrences, "disk full on /var");

        Assert.Equal(0, later.Count);
    }
}
