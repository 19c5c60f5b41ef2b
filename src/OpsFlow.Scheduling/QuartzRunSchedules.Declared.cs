using OpsFlow.Engine.Definitions;
using Quartz;

namespace OpsFlow.Scheduling;

public sealed partial class QuartzRunSchedules
{
    public const string ScriptCreator = "script";

    /// <summary>
    /// Brings the declared schedules in line with the workflows' declarations: adds new ones, replaces changed ones,
    /// removes those no script declares any more. An unchanged schedule is left alone, so a fire time missed while
    /// the host was down still fires once at start. Returns how many are in service.
    /// </summary>
    public async Task<int> SyncDeclaredAsync(CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var existing = (await TriggersAsync(scheduler, QuartzKeys.DeclaredScheduleGroup, cancellationToken))
            .ToDictionary(t => t.Key.Name, StringComparer.Ordinal);
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var workflow in catalog.List())
        {
            for (var i = 0; i < workflow.Schedules.Count; i++)
            {
                var spec = workflow.Schedules[i];
                var where = spec.Source?.ToString() ?? workflow.Name;
                var problems = Check(workflow.Name, spec.Cron, spec.TimeZone, spec.Parameters, out var cron, out var zone);
                if (problems.Count > 0)
                {
                    Log.DeclaredScheduleInvalid(logger, where, string.Join("; ", problems));
                    continue;
                }

                var id = $"{workflow.Name}-{i + 1}";
                wanted.Add(id);
                var data = ScheduleData.Write(workflow.Name, spec.Cron, spec.Parameters, spec.Conversation, ScriptCreator, where);
                if (existing.TryGetValue(id, out var current) && SameSchedule(current, data, zone!))
                {
                    continue;
                }

                var trigger = CronTrigger(new TriggerKey(id, QuartzKeys.DeclaredScheduleGroup), cron!, zone!, data, $"{workflow.Name}, declared at {where}");
                await scheduler.ScheduleTrigger(trigger, TriggerConflict.Replace, cancellationToken);
            }
        }

        var stale = existing.Keys.Where(id => !wanted.Contains(id)).ToArray();
        foreach (var id in stale)
        {
            await scheduler.UnscheduleJob(new TriggerKey(id, QuartzKeys.DeclaredScheduleGroup), cancellationToken);
        }

        Log.DeclaredSchedulesSynced(logger, wanted.Count, stale.Length);
        return wanted.Count;
    }

    /// <summary>Same cron, zone, parameters and conversation; where it is declared may move without a reschedule.</summary>
    private static bool SameSchedule(ITrigger current, JobDataMap wanted, TimeZoneInfo zone) =>
        current is ICronTrigger cron
        && cron.TimeZone.Id == zone.Id
        && current.JobDataMap.OptionalText(ScheduleData.Cron) == wanted.OptionalText(ScheduleData.Cron)
        && current.JobDataMap.OptionalText(ScheduleData.Parameters) == wanted.OptionalText(ScheduleData.Parameters)
        && current.JobDataMap.OptionalText(ScheduleData.Conversation) == wanted.OptionalText(ScheduleData.Conversation);
}
