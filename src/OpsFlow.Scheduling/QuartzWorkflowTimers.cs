using System.Globalization;
using OpsFlow.Engine.Ports;
using Quartz;

namespace OpsFlow.Scheduling;

/// <summary>
/// The engine's timers as Quartz triggers in the database: a retry delay or an approval deadline survives a crash
/// and fires once, late if the host was down when it was due (misfire: fire now). The engine still checks the
/// run's durable state on every firing, so a stale or duplicate firing does nothing.
/// </summary>
internal sealed class QuartzWorkflowTimers(ISchedulerFactory schedulers, TimeProvider clock) : IWorkflowTimers
{
    public async Task ScheduleAsync(WorkflowTimer timer, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var trigger = TriggerBuilder.Create(clock)
            .WithIdentity(QuartzKeys.Timer(timer.RunId, timer.Step, timer.Kind))
            .ForJob(QuartzKeys.TimerJob)
            .WithDescription(timer.Purpose)
            .StartAt(timer.DueAt)
            .UsingJobData(TimerData.RunId, timer.RunId)
            .UsingJobData(TimerData.Step, timer.Step)
            .UsingJobData(TimerData.Kind, timer.Kind.ToString())
            .UsingJobData(TimerData.DueAt, timer.DueAt.UtcTicks.ToString(CultureInfo.InvariantCulture))
            .UsingJobData(TimerData.Purpose, timer.Purpose)
            .WithSchedule(SimpleScheduleBuilder.Create().WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        await scheduler.ScheduleTrigger(trigger, TriggerConflict.Replace, cancellationToken);
    }

    public async Task CancelAsync(string runId, string step, TimerKind kind, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        await scheduler.UnscheduleJob(QuartzKeys.Timer(runId, step, kind), cancellationToken);
    }
}

/// <summary>The job data keys of a timer trigger.</summary>
internal static class TimerData
{
    public const string RunId = "runId";
    public const string Step = "step";
    public const string Kind = "kind";
    public const string DueAt = "dueAt";
    public const string Purpose = "purpose";

    public static WorkflowTimer Read(JobDataMap data) => new(
        data.Text(RunId),
        data.Text(Step),
        Enum.Parse<TimerKind>(data.Text(Kind)),
        new DateTimeOffset(long.Parse(data.Text(DueAt), CultureInfo.InvariantCulture), TimeSpan.Zero),
        data.Text(Purpose));

    /// <summary>A string the trigger was given; a missing one means the row was written by something else.</summary>
    public static string Text(this JobDataMap data, string key) =>
        data.TryGetValue(key, out var value) && Convert.ToString(value, CultureInfo.InvariantCulture) is { } text
            ? text
            : throw new InvalidOperationException($"The Quartz trigger has no '{key}' in its job data.");

    public static string? OptionalText(this JobDataMap data, string key) =>
        data.TryGetValue(key, out var value) ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;
}

/// <summary>What every engine timer fires: hands the timer back to the engine.</summary>
internal sealed class WorkflowTimerJob(IWorkflowTimerHandler engine, ClusterOptions cluster, TimeProvider clock, Microsoft.Extensions.Logging.ILogger<WorkflowTimerJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var timer = TimerData.Read(context.MergedJobDataMap);
        var late = context.FireTimeUtc - timer.DueAt;
        Log.TimerFiring(logger, timer.Purpose, timer.RunId, timer.Step, late.TotalSeconds >= 1 ? $"{late.TotalSeconds:0} s late" : "on time", context.Recovering);
        if (!await engine.OnTimerAsync(timer, cancellationToken))
        {
            // Another host drives the run now: the same trigger fires again shortly (Quartz keeps a trigger that its
            // own job rescheduled), until the run is free or that host has it.
            var again = context.Trigger.GetTriggerBuilder().StartAt(clock.GetUtcNow() + cluster.WatchInterval).Build();
            await context.Scheduler.RescheduleJob(context.Trigger.Key, again, cancellationToken);
            Log.TimerDeferred(logger, timer.Purpose, timer.RunId);
        }
    }
}
