using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Ports;
using Quartz;

namespace OpsFlow.Scheduling.Tests;

/// <summary>docs/security.md, "Bounds": clean-ups run each hour on a long-lived host, not only at its start.</summary>
public sealed class HousekeepingTests
{
    private sealed class Counting(string name, Signal signal, bool fails = false) : IHousekeeping
    {
        private int _runs;

        public int Runs => Volatile.Read(ref _runs);

        public DateTimeOffset? LastNow { get; private set; }

        public string Name => name;

        public Task<int> RunAsync(DateTimeOffset now, CancellationToken cancellationToken)
        {
            LastNow = now;
            Interlocked.Increment(ref _runs);
            signal.Pulse();
            return fails ? throw new IOException("disk full") : Task.FromResult(3);
        }
    }

    [Fact]
    public async Task TheScheduler_RunsEveryHousekeeping_AtStartAndEveryHour()
    {
        var signal = new Signal();
        var inbox = new Counting("inbox", signal);
        await using var host = await SchedulingHost.StartAsync(
            SchedulingHost.NewFolder(), new InMemoryWorkflowCatalog(), new InMemoryRunStore(), services: s => s.AddSingleton<IHousekeeping>(inbox));

        await Wait.UntilAsync(() => inbox.Runs > 0, "the housekeeping job to run at start", signal);

        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var trigger = Assert.IsAssignableFrom<ISimpleTrigger>(await scheduler.GetTrigger(new TriggerKey("housekeeping", "opsflow")));
        Assert.Equal(TimeSpan.FromHours(1), trigger.RepeatInterval);
        Assert.Equal(-1, trigger.RepeatCount);
    }

    [Fact]
    public async Task OneThatFails_IsLogged_AndTheOthersStillRun()
    {
        var signal = new Signal();
        var broken = new Counting("broken", signal, fails: true);
        var inbox = new Counting("inbox", signal);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));

        await new HousekeepingJob([broken, inbox], clock, NullLogger<HousekeepingJob>.Instance).Execute(null!, CancellationToken.None);

        Assert.Equal(1, broken.Runs);
        Assert.Equal(1, inbox.Runs);
        Assert.Equal(clock.GetUtcNow(), inbox.LastNow);
    }
}
