using Microsoft.Extensions.DependencyInjection;
using Quartz;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Scheduling.Tests;

/// <summary>The engine's timers in Quartz's tables: fired once, cancellable, replaceable, and surviving a restart.</summary>
public sealed class QuartzTimerTests
{
    private readonly string _folder = SchedulingHost.NewFolder();
    private readonly InMemoryWorkflowCatalog _catalog = new();
    private readonly InMemoryRunStore _store = new();

    private static WorkflowTimer Timer(string step, TimeSpan inFuture) =>
        new("run1", step, TimerKind.Retry, TimeProvider.System.GetUtcNow() + inFuture, $"retry 2 of 3 of step {step}");

    [Fact]
    public async Task Schedule_DueSoon_FiresOnceWithWhatItWasFor()
    {
        var log = new TimerLog();
        await using var host = await SchedulingHost.StartAsync(_folder, _catalog, _store, log);
        var timer = Timer("build", TimeSpan.FromSeconds(1));

        await host.Timers.ScheduleAsync(timer);
        await host.Timers.ScheduleAsync(TimerLog.SentinelAfter(timer.DueAt, TimeSpan.FromSeconds(1)));
        await log.WaitForAnyAsync("the timer to fire");
        await log.WaitForSentinelAsync();

        var (fired, at) = Assert.Single(log.Fired);
        Assert.Equal(timer, fired);
        Assert.True(at >= timer.DueAt, $"fired at {at:O}, before it was due at {timer.DueAt:O}");
    }

    [Fact]
    public async Task Cancel_BeforeItIsDue_NeverFires()
    {
        var log = new TimerLog();
        // Nothing fires before the test starts the scheduler, so "before it is due" holds however slow the machine is;
        // a timer left behind by a broken cancel would still fire (late) once it runs.
        await using var host = await SchedulingHost.StartAsync(_folder, _catalog, _store, log, startScheduler: false);
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        Assert.Equal(SchedulerStatus.Created, scheduler.Status);
        var timer = Timer("build", TimeSpan.FromSeconds(1));
        await host.Timers.ScheduleAsync(timer);
        await host.Timers.ScheduleAsync(TimerLog.SentinelAfter(timer.DueAt, TimeSpan.FromSeconds(1.5)));

        await host.Timers.CancelAsync("run1", "build", TimerKind.Retry);
        await scheduler.Start();
        await log.WaitForSentinelAsync();

        Assert.Empty(log.Fired);
    }

    [Fact]
    public async Task Schedule_SameStepAgain_ReplacesTheEarlierTimer()
    {
        var log = new TimerLog();
        // As above: the replacement is in place before anything can fire, however slow the machine is.
        await using var host = await SchedulingHost.StartAsync(_folder, _catalog, _store, log, startScheduler: false);
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await host.Timers.ScheduleAsync(Timer("build", TimeSpan.FromSeconds(1)));
        var later = Timer("build", TimeSpan.FromSeconds(2)) with { Purpose = "retry 3 of 3 of step build" };

        await host.Timers.ScheduleAsync(later);
        await host.Timers.ScheduleAsync(TimerLog.SentinelAfter(later.DueAt, TimeSpan.FromSeconds(1)));
        await scheduler.Start();
        await log.WaitForAnyAsync("the replacing timer to fire");
        await log.WaitForSentinelAsync();

        Assert.Equal(later, Assert.Single(log.Fired).Timer);
    }

    [Fact]
    public async Task Timer_DueWhileTheHostWasDown_FiresOnceAfterTheRestart()
    {
        var log = new TimerLog();
        var timer = Timer("deploy", TimeSpan.FromSeconds(1));
        await using (var host = await SchedulingHost.StartAsync(_folder, _catalog, _store, new TimerLog()))
        {
            await host.Timers.ScheduleAsync(timer);
        }

        // The host stays down until the timer is a second overdue.
        await Wait.UntilAsync(() => TimeProvider.System.GetUtcNow() > timer.DueAt + TimeSpan.FromSeconds(1), "the timer to be a second overdue", poll: TimeSpan.FromMilliseconds(100));
        await using var restarted = await SchedulingHost.StartAsync(_folder, _catalog, _store, log);
        await restarted.Timers.ScheduleAsync(TimerLog.SentinelAfter(TimeProvider.System.GetUtcNow(), TimeSpan.FromSeconds(1)));
        await log.WaitForAnyAsync("the missed timer to fire after the restart");
        await log.WaitForSentinelAsync();

        Assert.Equal(timer, Assert.Single(log.Fired).Timer);
    }
}
