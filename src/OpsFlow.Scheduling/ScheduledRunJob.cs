using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Model;
using Quartz;

namespace OpsFlow.Scheduling;

/// <summary>
/// What a due schedule fires: starts the run. The request id is the schedule and its scheduled fire time, so a
/// firing Quartz repeats after a crash starts nothing new.
/// </summary>
internal sealed class ScheduledRunJob(WorkflowEngine engine, ILogger<ScheduledRunJob> logger) : IJob
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
        var actor = new Actor($"schedule:{schedule.Id}", $"Schedule {schedule.Id} (set up by {schedule.CreatedBy})", new HashSet<string>(StringComparer.OrdinalIgnoreCase) { Roles.Operator });
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
            default:
                Log.ScheduleRefused(logger, schedule.Id, schedule.Workflow, result.ToString());
                break;
        }
    }

    private static string Describe(TimeSpan late) =>
        late.TotalHours >= 1 ? $"{late.TotalHours:0.#} h" : late.TotalMinutes >= 1 ? $"{late.TotalMinutes:0} min" : $"{late.TotalSeconds:0} s";
}
