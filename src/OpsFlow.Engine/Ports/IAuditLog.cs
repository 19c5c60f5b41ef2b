namespace OpsFlow.Engine.Ports;

/// <summary>How a security-relevant action ended.</summary>
public enum AuditOutcome
{
    Done,
    /// <summary>It did not fit the state (a late or second click, a run that ended, a stale plan).</summary>
    Refused,
    /// <summary>This person may not do it (role, start rights, approver list, four-eyes).</summary>
    Forbidden,
}

/// <summary>
/// One security-relevant event, across runs (docs/security.md, "The audit log"): who (every id the channel vouched
/// for), what, on what, through which entry point, and how it ended.
/// </summary>
/// <param name="Action">A verb: start, approve, reject, extend, skip, cancel, pause, resume, retry, schedule-add, schedule-remove, schedule-pause, sign-in, click.</param>
/// <param name="ActorIds">Every id of the person: the channel id, the Entra object id, the UPN.</param>
/// <param name="Via">The entry point: chat, api, dashboard, cli, schedule, system.</param>
/// <param name="Target">What it acted on: a run id, a workflow, a schedule id; empty when nothing (a sign-in).</param>
public sealed record AuditEvent(
    DateTimeOffset At,
    string Action,
    AuditOutcome Outcome,
    string ActorName,
    IReadOnlyList<string> ActorIds,
    string Via,
    string Target,
    string Detail);

/// <summary>
/// An event as stored: its place in the log and the chain. <see cref="Hash"/> covers the event and
/// <see cref="PreviousHash"/>, so altering or deleting a row breaks the chain from there on (<see cref="AuditChain"/>).
/// </summary>
public sealed record AuditEntry(long Seq, AuditEvent Event, string PreviousHash, string Hash);

/// <summary>
/// Which entries to read; every filter is optional. <paramref name="Actor"/> matches any of an entry's ids or its name.
/// Oldest first after <paramref name="AfterSeq"/> (a reader catching up); with <paramref name="NewestFirst"/> the newest
/// first, and <paramref name="BeforeSeq"/> pages back from the last one seen (the dashboard's page).
/// </summary>
public sealed record AuditQuery(
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? Actor = null,
    string? Action = null,
    long AfterSeq = 0,
    int Limit = 500,
    long? BeforeSeq = null,
    bool NewestFirst = false);

/// <summary>What a check of the whole chain found: the first entry that does not fit, or none.</summary>
public sealed record AuditVerification(long Checked, long? BrokenAt, string? Problem)
{
    public bool Intact => BrokenAt is null;
}

/// <summary>
/// The append-only audit log port. Appends are serialized across hosts (each entry names the one before); nothing is
/// ever updated or deleted through it.
/// </summary>
public interface IAuditLog
{
    Task AppendAsync(AuditEvent entry, CancellationToken cancellationToken = default);

    /// <summary>The first <see cref="AuditQuery.Limit"/> matching entries in order of <see cref="AuditEntry.Seq"/>: oldest first, or newest first when asked.</summary>
    Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default);

    /// <summary>Walks the whole chain and reports the first entry whose hash or link is wrong.</summary>
    Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default);
}
