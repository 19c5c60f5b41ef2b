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
    /// <summary>A firing this much after its time was held up by downtime, not by a busy scheduler.</summary>
    private static readonly TimeSpan Late = TimeSpan.FromSeconds(30);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var schedule = ScheduleData.Read(context.Trigger);
        var due = context.ScheduledFireTimeUtc ?? context.FireTimeUtc;
        var late = context.FireTimeUtc - due;
        var lateness = late >= Late
            ? $"; due {due:yyyy-MM-dd HH:mm:ss}Z, started {Describe(late)} late because OpsFlow was down (a missed schedule runs once)"
            : "";
        var trigger = $"schedule {schedule.Id} ({schedule.Cron}, {schedule.TimeZone}){lateness}";
        var actor = new Actor($"schedule:{schedule.Id}", $"Schedule {schedule.Id} (set up by {schedule.CreatedBy})", new HashSet<string>(StringComparer.OrdinalIgnoreCase) { Roles.Operator });
        var result = await engine.StartAsync(new StartRunRequest(schedule.Workflow, schedule.Parameters, actor, trigger, RequestId: $"schedule/{schedule.Id}/{due.UtcTicks}"), cancellationToken).ConfigureAwait(false);
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
