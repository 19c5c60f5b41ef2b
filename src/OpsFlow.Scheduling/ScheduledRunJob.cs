using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using Quartz;

namespace OpsFlow.Scheduling;

/// <summary>
/// What a due schedule fires: starts the run. The request id is the schedule and its scheduled fire time, so a
/// firing Quartz repeats after a crash starts nothing new. A person's schedule runs in their name, with the rights
/// configuration gives them today: when they may no longer start the workflow, the schedule is paused and that is
/// announced, rather than running on with rights nobody holds.
/// </summary>
internal sealed class ScheduledRunJob(
    WorkflowEngine engine,
    ActorDirectory directory,
    IAuditLog audit,
    IAnnouncements announcements,
    TimeProvider clock,
    ILogger<ScheduledRunJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        // A firing Quartz repeats after a crash runs under a recovery trigger: the schedule is the original one,
        // and so is the scheduled time, which keeps the request id (and so the run) the same.
        var schedule = ScheduleData.Read(context.Trigger) is var read && context.Recovering && context.RecoveringTriggerKey is { } original
            ? read with { Id = original.Name }
            : read;
        var due = context.ScheduledFireTimeUtc ?? context.FireTimeUtc;
        var late = context.FireTimeUtc - due;
        var lateness = late >= SchedulingServiceCollectionExtensions.MisfireThreshold
            ? $"; due {due:yyyy-MM-dd HH:mm:ss}Z, started {Describe(late)} late because OpsFlow was down (a missed schedule runs once)"
            : "";
        var trigger = $"schedule {schedule.Id} ({schedule.Cron}, {schedule.TimeZone}){lateness}";
        var actor = Requester(schedule, context.Trigger);
        var result = await engine.StartAsync(new StartRunRequest(schedule.Workflow, schedule.Parameters, actor, trigger, RequestId: $"schedule/{schedule.Id}/{due.UtcTicks}", ReplyTo: schedule.Conversation), cancellationToken);
        switch (result)
        {
            case StartRunResult.Started { Run: var run }:
                Log.ScheduleStarted(logger, schedule.Id, schedule.Cron, schedule.TimeZone, run.Id, schedule.Workflow, lateness);
                break;
            case StartRunResult.Queued { Run: var run }:
                Log.ScheduleStarted(logger, schedule.Id, schedule.Cron, schedule.TimeZone, run.Id, schedule.Workflow, $"{lateness}; queued behind a lock");
                break;
            case StartRunResult.Duplicate:
                break;
            // Refused by an emergency stop: this firing is skipped (logged), the schedule stays as it is.
            case StartRunResult.Forbidden { ByEmergencyStop: false, Reason: var why } when schedule.DeclaredIn is null:
                await PauseAsync(context, schedule, actor, why, cancellationToken);
                break;
            default:
                Log.ScheduleRefused(logger, schedule.Id, schedule.Workflow, result.ToString());
                break;
        }
    }

    /// <summary>
    /// A person's schedule: that person (all their ids, their roles today). A schedule a script declares: the schedule
    /// itself, as an operator; the script's author put it there, and the workflow's start rules still apply to it.
    /// </summary>
    private Actor Requester(RunSchedule schedule, ITrigger trigger) =>
        schedule.DeclaredIn is null
            ? ScheduleData.Creator(trigger, directory)
            : new Actor($"schedule:{schedule.Id}", $"Schedule {schedule.Id} ({schedule.DeclaredIn})", new HashSet<string>(StringComparer.OrdinalIgnoreCase) { Roles.Operator }) { Via = "schedule" };

    private async Task PauseAsync(IJobExecutionContext context, RunSchedule schedule, Actor creator, string why, CancellationToken cancellationToken)
    {
        await context.Scheduler.PauseTrigger(context.Trigger.Key, cancellationToken);
        Log.SchedulePaused(logger, schedule.Id, schedule.Workflow, creator.Id, why);
        var text = $"Schedule {schedule.Id} ({schedule.Workflow}, {schedule.Cron} {schedule.TimeZone}) is paused: it runs in the name of "
            + $"{creator.DisplayName}, who may no longer start it. {why} Remove it with /unschedule {schedule.Id}, or have someone who may start "
            + $"{schedule.Workflow} add it again.";
        try
        {
            await audit.AppendAsync(new AuditEvent(clock.GetUtcNow(), "schedule-pause", AuditOutcome.Done, "OpsFlow", ["system"], "schedule", schedule.Id,
                $"paused: {creator.Label} may no longer start {schedule.Workflow}: {why}"), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.AuditFailed(logger, ex, schedule.Id);
        }

        await announcements.AnnounceAsync(schedule.Conversation, text, cancellationToken);
    }

    private static string Describe(TimeSpan late) =>
        late.TotalHours >= 1 ? $"{late.TotalHours:0.#} h" : late.TotalMinutes >= 1 ? $"{late.TotalMinutes:0} min" : $"{late.TotalSeconds:0} s";
}
