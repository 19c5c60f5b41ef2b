using Microsoft.Extensions.Logging;

namespace OpsFlow.Scheduling;

internal static partial class Log
{
    [LoggerMessage(3000, LogLevel.Information, "Timer firing: {Purpose} (run {RunId}, step {Step}), {Lateness}{RecoveringNote}")]
    private static partial void TimerFiringCore(ILogger logger, string purpose, string runId, string step, string lateness, string recoveringNote);

    public static void TimerFiring(ILogger logger, string purpose, string runId, string step, string lateness, bool recovering) =>
        TimerFiringCore(logger, purpose, runId, step, lateness, recovering ? ", re-fired after a crash" : "");

    [LoggerMessage(3001, LogLevel.Information, "Schedule {ScheduleId} ({Cron} {TimeZone}) started run {RunId} of {Workflow}{Lateness}")]
    public static partial void ScheduleStarted(ILogger logger, string scheduleId, string cron, string timeZone, string runId, string workflow, string lateness);

    [LoggerMessage(3002, LogLevel.Warning, "Schedule {ScheduleId} of {Workflow} could not start a run: {Reason}")]
    public static partial void ScheduleRefused(ILogger logger, string scheduleId, string workflow, string reason);

    [LoggerMessage(3003, LogLevel.Information, "Schedule {ScheduleId} added: {Workflow} at {Cron} {TimeZone}, by {Actor}")]
    public static partial void ScheduleAdded(ILogger logger, string scheduleId, string workflow, string cron, string timeZone, string actor);

    [LoggerMessage(3004, LogLevel.Information, "Schedule {ScheduleId} removed by {Actor}")]
    public static partial void ScheduleRemoved(ILogger logger, string scheduleId, string actor);

    [LoggerMessage(3005, LogLevel.Warning, "Schedule declared at {Source} is not valid and is not scheduled: {Problem}")]
    public static partial void DeclaredScheduleInvalid(ILogger logger, string source, string problem);

    [LoggerMessage(3006, LogLevel.Information, "Declared schedules: {Count} in service, {Removed} removed")]
    public static partial void DeclaredSchedulesSynced(ILogger logger, int count, int removed);

    [LoggerMessage(3007, LogLevel.Warning, "Run {RunId}: its job was interrupted by a crash; Quartz fired it again and the run resumes")]
    public static partial void RunRecovering(ILogger logger, string runId);

    [LoggerMessage(3008, LogLevel.Debug, "Run {RunId}: no step executing any more ({Status}); its job ends")]
    public static partial void RunIdle(ILogger logger, string runId, string status);

    [LoggerMessage(3009, LogLevel.Debug, "Run {RunId} is driven by another host; its job watches that host's lease and takes the run over if it expires")]
    public static partial void RunWatched(ILogger logger, string runId);

    [LoggerMessage(3010, LogLevel.Debug, "Timer {Purpose} of run {RunId}: another host drives the run now; the timer fires again shortly")]
    public static partial void TimerDeferred(ILogger logger, string purpose, string runId);

    [LoggerMessage(3020, LogLevel.Information, "Retention: deleted {Count} step log lines of runs that ended more than {Days} days ago (before {Before:u})")]
    public static partial void StepLogsTrimmed(ILogger logger, int count, int days, DateTimeOffset before);

    [LoggerMessage(3025, LogLevel.Information, "History tiers: archived {Runs} run(s) of {Month} to {File} ({Bytes} bytes), every one older than {HotDays} days")]
    public static partial void MonthArchived(ILogger logger, string month, int runs, string file, long bytes, int hotDays);

    [LoggerMessage(3026, LogLevel.Warning, "History tiers: deleted the archive {File} and its {Runs} run(s) of {Month}, older than {ColdYears} years (OpsFlow:Retention:Cold is Delete)")]
    public static partial void ArchiveDeleted(ILogger logger, string file, int runs, string month, int coldYears);

    [LoggerMessage(3021, LogLevel.Information, "Housekeeping {Task}: removed {Count} item(s) past their retention")]
    public static partial void HousekeepingDone(ILogger logger, string task, int count);

    [LoggerMessage(3022, LogLevel.Error, "Housekeeping {Task} failed; it runs again within the hour")]
    public static partial void HousekeepingFailed(ILogger logger, Exception exception, string task);

    [LoggerMessage(3023, LogLevel.Warning, "Schedule {ScheduleId} of {Workflow} is paused: its creator {ActorId} may no longer start it ({Reason})")]
    public static partial void SchedulePaused(ILogger logger, string scheduleId, string workflow, string actorId, string reason);

    [LoggerMessage(3024, LogLevel.Error, "Could not write an audit entry about schedule {ScheduleId}")]
    public static partial void AuditFailed(ILogger logger, Exception exception, string scheduleId);
}
