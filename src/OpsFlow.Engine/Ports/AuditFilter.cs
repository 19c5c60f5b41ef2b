namespace OpsFlow.Engine.Ports;

/// <summary>What <see cref="AuditQuery"/> means, for stores that filter in memory and as the reference for those that filter in SQL.</summary>
public static class AuditFilter
{
    public static bool Matches(AuditQuery query, AuditEntry entry) =>
        entry.Seq > query.AfterSeq
        && (query.BeforeSeq is not { } before || entry.Seq < before)
        && (query.From is not { } from || entry.Event.At >= from)
        && (query.To is not { } to || entry.Event.At < to)
        && (string.IsNullOrWhiteSpace(query.Action) || string.Equals(entry.Event.Action, query.Action, StringComparison.OrdinalIgnoreCase))
        && (string.IsNullOrWhiteSpace(query.Actor)
            || string.Equals(entry.Event.ActorName, query.Actor, StringComparison.OrdinalIgnoreCase)
            || entry.Event.ActorIds.Contains(query.Actor, StringComparer.OrdinalIgnoreCase));
}
