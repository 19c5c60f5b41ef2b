using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Ports;

/// <summary>
/// A recurring run. <see cref="DeclaredIn"/> is the script that declares it, or null when a person added it;
/// <see cref="CreatedBy"/> is that person's id, and their runs are requested in their name (four-eyes knows them).
/// <see cref="Paused"/> is true when the scheduler stopped firing it (its creator may no longer start the workflow).
/// </summary>
public sealed record RunSchedule(
    string Id,
    string Workflow,
    string Cron,
    string TimeZone,
    IReadOnlyDictionary<string, string?> Parameters,
    string? Conversation,
    string CreatedBy,
    string? DeclaredIn,
    DateTimeOffset? NextFireAt,
    DateTimeOffset? PreviousFireAt,
    bool Paused = false);

/// <summary>A schedule someone asks for (chat /schedule, the API, the command line).</summary>
public sealed record NewSchedule(
    string Workflow,
    string Cron,
    string TimeZone,
    IReadOnlyDictionary<string, string?> Parameters,
    string? Conversation,
    Actor RequestedBy);

/// <summary>What became of a schedule request: the schedule, or every problem with it in words.</summary>
public sealed record ScheduleResult(RunSchedule? Schedule, IReadOnlyList<string> Problems, bool Forbidden = false, bool NotFound = false)
{
    public bool Ok => Schedule is not null && Problems.Count == 0;
}

/// <summary>
/// The recurring-schedule port: the scheduler adapter (Quartz) keeps schedules durably and starts a run when one
/// is due. After downtime a missed schedule fires once, late, and the run's trigger says so.
/// </summary>
public interface IRunSchedules
{
    Task<IReadOnlyList<RunSchedule>> ListAsync(CancellationToken cancellationToken = default);

    Task<ScheduleResult> AddAsync(NewSchedule schedule, CancellationToken cancellationToken = default);

    /// <summary>Removes a schedule a person added; a schedule declared in a script is changed by editing the script.</summary>
    Task<ScheduleResult> RemoveAsync(string id, Actor requestedBy, CancellationToken cancellationToken = default);
}
