namespace OpsFlow.Engine.Definitions;

/// <summary>
/// A recurring run a workflow declares for itself (e.g. inspect, daily at 06:00 UTC). <see cref="Cron"/> is a
/// Quartz expression (seconds first) or a classic five-field one; <see cref="TimeZone"/> is an IANA or Windows id.
/// <see cref="Conversation"/> names where the run's card is posted (a chat conversation id), or null for none.
/// </summary>
public sealed record ScheduleSpec(string Cron, string TimeZone, IReadOnlyDictionary<string, string?> Parameters, string? Conversation)
{
    public SourceLocation? Source { get; init; }
}
