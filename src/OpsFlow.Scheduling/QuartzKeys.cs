using System.Security.Cryptography;
using System.Text;
using OpsFlow.Engine.Ports;
using Quartz;

namespace OpsFlow.Scheduling;

/// <summary>Where OpsFlow's jobs and triggers live in Quartz's tables.</summary>
internal static class QuartzKeys
{
    public const string Group = "opsflow";
    public const string TimerGroup = "opsflow-timers";
    public const string ScheduleGroup = "opsflow-schedules";
    public const string DeclaredScheduleGroup = "opsflow-declared";

    /// <summary>The one durable job every engine timer fires.</summary>
    public static readonly JobKey TimerJob = new("workflow-timer", Group);

    /// <summary>The one durable job every recurring schedule fires.</summary>
    public static readonly JobKey ScheduledRunJob = new("scheduled-run", Group);

    /// <summary>The daily retention of step logs, and its trigger.</summary>
    public static readonly JobKey RetentionJob = new("step-log-retention", Group);

    public static readonly TriggerKey RetentionTrigger = new("step-log-retention", Group);

    /// <summary>The daily pass of the history tiers (archive, cold deletion), and its trigger.</summary>
    public static readonly JobKey HistoryTiersJob = new("history-tiers", Group);

    public static readonly TriggerKey HistoryTiersTrigger = new("history-tiers", Group);

    /// <summary>The hourly housekeeping (every <see cref="IHousekeeping"/>), and its trigger.</summary>
    public static readonly JobKey HousekeepingJob = new("housekeeping", Group);

    public static readonly TriggerKey HousekeepingTrigger = new("housekeeping", Group);

    /// <summary>One trigger per (run, step, kind): arming a timer again replaces it, cancelling removes it.</summary>
    public static TriggerKey Timer(string runId, string step, TimerKind kind)
    {
        // Quartz names are at most 200 characters; a long step name is shortened with a hash so keys stay unique.
        var name = $"{runId}/{kind}/{step}";
        if (name.Length > 180)
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(step)))[..16];
            name = $"{runId}/{kind}/{step[..100]}~{hash}";
        }

        return new TriggerKey(name, TimerGroup);
    }
}
