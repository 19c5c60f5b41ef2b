using OpsFlow.Engine.Ports;

namespace OpsFlow.Persistence;

/// <summary>Between the audit log's entries and its rows; a row read back must hash as the entry written did.</summary>
internal static class AuditMapping
{
    public static AuditRow ToRow(AuditEntry entry) => new()
    {
        Seq = entry.Seq,
        At = Mapping.Ticks(entry.Event.At),
        Action = entry.Event.Action,
        Outcome = entry.Event.Outcome.ToString(),
        ActorName = entry.Event.ActorName,
        ActorIds = string.Join('\n', entry.Event.ActorIds),
        Via = entry.Event.Via,
        Target = entry.Event.Target,
        Detail = entry.Event.Detail,
        PreviousHash = entry.PreviousHash,
        Hash = entry.Hash,
    };

    public static AuditEntry ToEntry(AuditRow row) => new(
        row.Seq,
        new AuditEvent(
            Mapping.Time(row.At),
            row.Action,
            Outcome(row.Outcome),
            row.ActorName,
            row.ActorIds.Length == 0 ? [] : row.ActorIds.Split('\n'),
            row.Via,
            row.Target,
            row.Detail),
        row.PreviousHash,
        row.Hash);

    /// <summary>
    /// An outcome no version wrote (an edited row) reads as a value outside the enum: it hashes as a number, never as
    /// the text stored, so verification reports the row as altered instead of failing to read it.
    /// </summary>
    private static AuditOutcome Outcome(string stored) =>
        Enum.TryParse<AuditOutcome>(stored, ignoreCase: false, out var outcome) && Enum.IsDefined(outcome)
        && string.Equals(outcome.ToString(), stored, StringComparison.Ordinal)
            ? outcome
            : (AuditOutcome)(-1);
}
