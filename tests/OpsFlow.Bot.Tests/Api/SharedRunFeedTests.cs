using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OpsFlow.Bot.Api;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Bot.Tests.Api;

/// <summary>
/// docs/security.md, "Bounds": with several hosts, the viewers of one run share one look at the database a second,
/// however many they are (each stream used to read on its own).
/// </summary>
public sealed class SharedRunFeedTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private sealed class CountingStore(InMemoryRunStore inner, Signal signal) : DelegatingRunStore(inner)
    {
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public override async Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken = default)
        {
            var run = await base.GetRunAsync(runId, cancellationToken);
            Interlocked.Increment(ref _reads);
            signal.Pulse();
            return run;
        }
    }

    [Fact]
    public async Task ThreeViewersOfOneRun_CostOneReadASecond_AndEachHearsOfEveryNewVersion()
    {
        var signal = new Signal();
        var inner = new InMemoryRunStore();
        var run = new RunRecord
        {
            Id = "r1", Workflow = "deploy", WorkflowVersion = "v1", Status = RunStatus.Running, RequestedById = "olivia", RequestedByName = "Olivia",
            Trigger = "test", CreatedAt = At, HistorySeq = 1, Version = 1, Parameters = new Dictionary<string, string>(),
        };
        await inner.CreateRunAsync(new NewRun(run, [], new HistoryEntry("r1", 1, At, HistoryKind.Run, "olivia", null, null, "Running", "requested")));
        var store = new CountingStore(inner, signal);
        var clock = new FakeTimeProvider(At);
        var hub = new RunEventHub(new ApiOptions(), new SharedRunFeed(store, clock, NullLogger<SharedRunFeed>.Instance), shared: true);
        using var a = hub.TrySubscribe("r1")!;
        using var b = hub.TrySubscribe("r1")!;
        using var c = hub.TrySubscribe("r1")!;

        // The clock moves a second at a time until each viewer has heard of version 2. Each step fires the watch's
        // timer at most once (the watch may be between two timers when the clock moves, and then that step fires
        // nothing), so one watch reads at most once a step; a stream that read on its own made three reads a step.
        var steps = 0;
        bool Tick()
        {
            clock.Advance(SharedRunFeed.Interval);
            steps++;
            return true;
        }

        await Wait.UntilAsync(() => Tick() && store.Reads >= 1, "the first look at the run", signal, poll: TimeSpan.FromMilliseconds(10));
        await inner.SaveAsync(new RunChange(run with { Version = 2, Status = RunStatus.Succeeded, EndedAt = At }, 1));
        await Wait.UntilAsync(
            () => Tick() && new[] { a, b, c }.All(s => s.Changed.Reader.TryPeek(out var v) && v == 2), "every viewer to hear of version 2", signal, poll: TimeSpan.FromMilliseconds(10));

        Assert.True(store.Reads <= steps, $"{store.Reads} reads in {steps} seconds for three viewers: more than one a second");
    }
}
