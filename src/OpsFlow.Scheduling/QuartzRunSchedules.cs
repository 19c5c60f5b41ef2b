using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using Quartz;

namespace OpsFlow.Scheduling;

/// <summary>
/// Recurring schedules as Quartz cron triggers in the database. A person's schedule (chat, API, command line) lives
/// in one trigger group; schedules declared in scripts live in another and follow the scripts. Missed fire times
/// (the host was down) fire once, late (misfire: fire and proceed); the run's trigger text says so.
/// </summary>
public sealed partial class QuartzRunSchedules(
    ISchedulerFactory schedulers,
    IWorkflowCatalog catalog,
    TimeProvider clock,
    IAuditLog audit,
    ILogger<QuartzRunSchedules> logger) : IRunSchedules
{
    public async Task<IReadOnlyList<RunSchedule>> ListAsync(CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var schedules = new List<RunSchedule>();
        foreach (var group in new[] { QuartzKeys.DeclaredScheduleGroup, QuartzKeys.ScheduleGroup })
        {
            foreach (var trigger in await TriggersAsync(scheduler, group, cancellationToken))
            {
                var state = await scheduler.GetTriggerState(trigger.Key, cancellationToken);
                schedules.Add(ScheduleData.Read(trigger, paused: state == TriggerState.Paused));
            }
        }

        return schedules;
    }

    public async Task<ScheduleResult> AddAsync(NewSchedule schedule, CancellationToken cancellationToken = default)
    {
        var by = schedule.RequestedBy;
        if (!by.HasRole(RolePolicy.StartRole))
        {
            return await RefusedAsync("schedule-add", by, schedule.Workflow,
                new ScheduleResult(null, [$"Scheduling runs needs the {RolePolicy.StartRole} role, which {by.DisplayName} does not have."], Forbidden: true), cancellationToken);
        }

        var problems = Check(schedule.Workflow, schedule.Cron, schedule.TimeZone, schedule.Parameters, out var cron, out var zone);
        if (problems.Count > 0)
        {
            return new ScheduleResult(null, problems);
        }

        // The runs will be this person's: a schedule may not do what they may not (the workflow's start rules).
        ParameterBinder.Bind(catalog.Find(schedule.Workflow)!.Parameters, schedule.Parameters, out var bound);
        if (StartRights.Refusal(catalog.Find(schedule.Workflow)!, by, bound.Values) is { } refusal)
        {
            return await RefusedAsync("schedule-add", by, schedule.Workflow, new ScheduleResult(null, [refusal], Forbidden: true), cancellationToken);
        }

        var id = "s-" + Guid.NewGuid().ToString("N")[..8];
        var data = ScheduleData.Write(schedule.Workflow, schedule.Cron, schedule.Parameters, schedule.Conversation, by);
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        await scheduler.ScheduleTrigger(CronTrigger(new TriggerKey(id, QuartzKeys.ScheduleGroup), cron!, zone!, data, $"{schedule.Workflow} by {schedule.RequestedBy.Id}"), TriggerConflict.Throw, cancellationToken);
        Log.ScheduleAdded(logger, id, schedule.Workflow, schedule.Cron, zone!.Id, by.Id);
        await RecordAsync("schedule-add", AuditOutcome.Done, by, id, $"{schedule.Workflow} at {schedule.Cron} ({zone.Id}){Arguments(schedule.Parameters)}", cancellationToken);
        var stored = await scheduler.GetTrigger(new TriggerKey(id, QuartzKeys.ScheduleGroup), cancellationToken);
        return new ScheduleResult(stored is null ? null : ScheduleData.Read(stored), []);
    }

    public async Task<ScheduleResult> RemoveAsync(string id, Actor requestedBy, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        if (await scheduler.GetTrigger(new TriggerKey(id, QuartzKeys.DeclaredScheduleGroup), cancellationToken) is { } declared)
        {
            var source = ScheduleData.Read(declared).DeclaredIn;
            return await RefusedAsync("schedule-remove", requestedBy, id, new ScheduleResult(null, [$"Schedule {id} is declared in {source}; change or remove it there."]), cancellationToken);
        }

        var trigger = await scheduler.GetTrigger(new TriggerKey(id, QuartzKeys.ScheduleGroup), cancellationToken);
        if (trigger is null)
        {
            return new ScheduleResult(null, [$"There is no schedule {id}; list them with /schedules."], NotFound: true);
        }

        if (!requestedBy.HasRole(RolePolicy.StartRole))
        {
            return await RefusedAsync("schedule-remove", requestedBy, id,
                new ScheduleResult(null, [$"Removing a schedule needs the {RolePolicy.StartRole} role, which {requestedBy.DisplayName} does not have."], Forbidden: true), cancellationToken);
        }

        var removed = ScheduleData.Read(trigger);
        await scheduler.UnscheduleJob(trigger.Key, cancellationToken);
        Log.ScheduleRemoved(logger, id, requestedBy.Id);
        await RecordAsync("schedule-remove", AuditOutcome.Done, requestedBy, id, $"{removed.Workflow} at {removed.Cron} ({removed.TimeZone}), added by {removed.CreatedBy}", cancellationToken);
        return new ScheduleResult(removed, []);
    }

    private async Task<ScheduleResult> RefusedAsync(string action, Actor by, string target, ScheduleResult result, CancellationToken cancellationToken)
    {
        await RecordAsync(action, result.Forbidden ? AuditOutcome.Forbidden : AuditOutcome.Refused, by, target, string.Join(" ", result.Problems), cancellationToken);
        return result;
    }

    /// <summary>Schedules are security-relevant (they start runs in someone's name): every change and refusal is audited.</summary>
    private async Task RecordAsync(string action, AuditOutcome outcome, Actor by, string target, string detail, CancellationToken cancellationToken)
    {
        try
        {
            await audit.AppendAsync(new AuditEvent(clock.GetUtcNow(), action, outcome, by.DisplayName, by.Ids, by.Via, target, detail), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.AuditFailed(logger, ex, target);
        }
    }

    private static string Arguments(IReadOnlyDictionary<string, string?> parameters) =>
        parameters.Count == 0 ? "" : " with " + string.Join(" ", parameters.Select(p => $"{p.Key}={p.Value}"));

    /// <summary>Every problem with a schedule: unknown workflow, bad parameters, bad cron, unknown time zone.</summary>
    private List<string> Check(string workflow, string cronText, string timeZone, IReadOnlyDictionary<string, string?> parameters, out string? cron, out TimeZoneInfo? zone)
    {
        var problems = new List<string>();
        cron = CronText.ToQuartz(cronText, out var cronProblem);
        zone = CronText.Zone(timeZone, out var zoneProblem);
        problems.AddRange(new[] { cronProblem, zoneProblem }.OfType<string>());
        var descriptor = catalog.Find(workflow);
        if (descriptor is null)
        {
            problems.Add($"There is no workflow '{workflow}'; the workflows are {string.Join(", ", catalog.List().Select(w => w.Name))}.");
        }
        else
        {
            problems.AddRange(ParameterBinder.Bind(descriptor.Parameters, parameters, out _).Select(e => e.ToString()));
        }

        return problems;
    }

    private ITrigger CronTrigger(TriggerKey key, string cron, TimeZoneInfo zone, JobDataMap data, string description) =>
        TriggerBuilder.Create(clock)
            .WithIdentity(key)
            .ForJob(QuartzKeys.ScheduledRunJob)
            .WithDescription(description)
            .UsingJobData(data)
            .WithSchedule(CronScheduleBuilder.Create(cron).InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
            .Build();

    private static async Task<IReadOnlyList<ITrigger>> TriggersAsync(IScheduler scheduler, string group, CancellationToken cancellationToken)
    {
        var page = await scheduler.QueryTriggers(new TriggerQuery { Group = GroupMatcher<TriggerKey>.GroupEquals(group), Take = 10_000 }, cancellationToken);
        var keys = page.Items.Select(h => h.Key).ToArray();
        return keys.Length == 0 ? [] : (await scheduler.GetTriggers(keys, cancellationToken)).OfType<ITrigger>().ToArray();
    }
}
