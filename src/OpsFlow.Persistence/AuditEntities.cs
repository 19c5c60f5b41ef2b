namespace OpsFlow.Persistence;

/// <summary>
/// One entry of the audit log as stored (audit_log). Every column is covered by
/// <see cref="Hash"/>, so the row must read back exactly as written: At in UTC ticks, the ids one per line.
/// </summary>
internal sealed class AuditRow
{
    /// <summary>1, 2, 3… with no gap: a missing number is a deleted entry. Set by the store, never by the database.</summary>
    public long Seq { get; set; }

    public long At { get; set; }

    public string Action { get; set; } = "";

    public string Outcome { get; set; } = "";

    public string ActorName { get; set; } = "";

    /// <summary>Every id of the actor, one per line.</summary>
    public string ActorIds { get; set; } = "";

    public string Via { get; set; } = "";

    public string Target { get; set; } = "";

    public string Detail { get; set; } = "";

    public string PreviousHash { get; set; } = "";

    public string Hash { get; set; } = "";
}
