using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Execution;

/// <summary>The engine's log messages, source-generated. Event ids 1000–1099.</summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "Run {RunId} of {Workflow} created by {Actor} ({Trigger})")]
    public static partial void RunCreated(ILogger logger, string runId, string workflow, string actor, string trigger);

    [LoggerMessage(1001, LogLevel.Information, "Run {RunId}: {From} → {To}: {Reason}")]
    public static partial void RunMoved(ILogger logger, string runId, RunStatus from, RunStatus to, string reason);

    [LoggerMessage(1002, LogLevel.Debug, "Run {RunId}: step {Step} attempt {Attempt} started (compensation: {Compensation})")]
    public static partial void StepStarted(ILogger logger, string runId, string step, int attempt, bool compensation);

    [LoggerMessage(1003, LogLevel.Debug, "Run {RunId}: step {Step} attempt {Attempt} ended {Outcome} in {ElapsedMs:F1} ms")]
    public static partial void StepEnded(ILogger logger, string runId, string step, int attempt, StepOutcome outcome, double elapsedMs);

    [LoggerMessage(1004, LogLevel.Warning, "Run {RunId}: step {Step} attempt {Attempt} threw {ExceptionType}: {Error}")]
    public static partial void StepThrew(ILogger logger, string exceptionType, string error, string runId, string step, int attempt);

    [LoggerMessage(1005, LogLevel.Error, "Run {RunId}: its change could not be saved; the run will be reloaded from the database")]
    public static partial void CommitFailed(ILogger logger, Exception exception, string runId);

    [LoggerMessage(1006, LogLevel.Critical, "Run {RunId}: the coordinator stopped on an unexpected error; the run will be reloaded from the database")]
    public static partial void CoordinatorCrashed(ILogger logger, Exception exception, string runId);

    [LoggerMessage(1007, LogLevel.Warning, "Observer {Observer} failed on a change of run {RunId}")]
    public static partial void ObserverFailed(ILogger logger, Exception exception, string runId, string observer);

    [LoggerMessage(1008, LogLevel.Error, "Timer operation failed: {What}")]
    public static partial void TimerFailed(ILogger logger, Exception exception, string what);

    [LoggerMessage(1009, LogLevel.Information, "Run {RunId}: refused {Action} by {ActorId}: {Reason}")]
    public static partial void CommandRefused(ILogger logger, string runId, string action, string actorId, string reason);

    [LoggerMessage(1010, LogLevel.Information, "Recovery: {Count} active run(s) resumed in {ElapsedMs:F0} ms")]
    public static partial void Recovered(ILogger logger, int count, double elapsedMs);

    [LoggerMessage(1011, LogLevel.Error, "Run {RunId} cannot be resumed: {Reason}")]
    public static partial void CannotResume(ILogger logger, string runId, string reason);

    [LoggerMessage(1012, LogLevel.Information, "Timer fired: {Purpose}")]
    public static partial void TimerFired(ILogger logger, string purpose);

    [LoggerMessage(1013, LogLevel.Error, "Could not start the next run queued for lock {LockKey}")]
    public static partial void PromotionFailed(ILogger logger, Exception exception, string lockKey);

    [LoggerMessage(1014, LogLevel.Warning, "Refused to start {Workflow} for {ActorId}: {Reason}")]
    public static partial void StartRefused(ILogger logger, string workflow, string actorId, string reason);

    [LoggerMessage(1015, LogLevel.Warning, "Run {RunId} will be reloaded from the database in {Delay} (failure {Failures} in a row)")]
    public static partial void ReviveScheduled(ILogger logger, string runId, int failures, TimeSpan delay);

    [LoggerMessage(1017, LogLevel.Information, "Stopping: no new step starts; waiting up to {Grace} for {Steps} running step(s) of {Runs} active run(s) to finish")]
    public static partial void Draining(ILogger logger, int steps, int runs, TimeSpan grace);

    [LoggerMessage(1018, LogLevel.Information, "Stopped: {Finished} step(s) finished and were saved; {Left} still running were cancelled and run again at the next start")]
    public static partial void Drained(ILogger logger, int finished, int left);

    [LoggerMessage(1016, LogLevel.Error, "Run {RunId}: the scheduler could not be told it executes; its steps start anyway, and start-up recovery covers it")]
    public static partial void DispatchFailed(ILogger logger, Exception exception, string runId);

    [LoggerMessage(1030, LogLevel.Warning, "Run {RunId}: this host no longer holds its lease (another host took it over); it stops driving the run")]
    public static partial void LeaseLost(ILogger logger, string runId);

    [LoggerMessage(1031, LogLevel.Error, "Could not renew this host's run leases")]
    public static partial void RenewFailed(ILogger logger, Exception exception);

    [LoggerMessage(1032, LogLevel.Warning, "Run {RunId}: could not release its lease; it expires by itself")]
    public static partial void ReleaseFailed(ILogger logger, Exception exception, string runId);

    [LoggerMessage(1033, LogLevel.Debug, "Run {RunId} is idle; this host lets it go")]
    public static partial void RunUnloaded(ILogger logger, string runId);

    [LoggerMessage(1034, LogLevel.Warning, "Run {RunId}: its host died while driving it (its lease expired); this host took it over")]
    public static partial void Adopted(ILogger logger, string runId);

    [LoggerMessage(1035, LogLevel.Error, "Looking for runs that a dead host left failed; trying again shortly")]
    public static partial void AdoptFailed(ILogger logger, Exception exception);

    [LoggerMessage(1036, LogLevel.Information, "Run {RunId} is busy on another host: {Command} left in the mailbox for it")]
    public static partial void CommandMailed(ILogger logger, string runId, string command);

    [LoggerMessage(1037, LogLevel.Information, "Run {RunId}: {Command} from another host's mailbox handled here: {Outcome}")]
    public static partial void LetterHandled(ILogger logger, string runId, string command, CommandOutcome outcome);

    [LoggerMessage(1038, LogLevel.Error, "Could not read the mailbox for commands other hosts received; trying again shortly")]
    public static partial void MailboxFailed(ILogger logger, Exception exception);

    [LoggerMessage(1039, LogLevel.Warning, "Run {RunId}: a letter in the mailbox is not a command this host knows; it is refused")]
    public static partial void LetterUnreadable(ILogger logger, string runId);

    [LoggerMessage(1040, LogLevel.Error, "Could not write {Action} on {Target} to the audit log")]
    public static partial void AuditFailed(ILogger logger, Exception exception, string action, string target);
}
