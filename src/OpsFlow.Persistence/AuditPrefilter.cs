using System.Text;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Persistence;

/// <summary>
/// Narrows the audit log in SQL to a superset of what <see cref="AuditFilter"/> matches; the store then keeps exactly
/// AuditFilter's matches. Times and sequence numbers compare exactly in SQL. Action and actor compare ignoring case
/// (OrdinalIgnoreCase), which the databases do differently: SQLite's lower() folds ASCII only, PostgreSQL's follows
/// the database's locale, and a Turkish one lowers I to ı. So text is narrowed only for a filter written in ASCII
/// (no other character equals an ASCII one ignoring case; AuditPrefilterTests pins that), on lower() with ı read as i,
/// which lowers every ASCII letter alike on both. A filter with other characters is left to AuditFilter alone.
/// </summary>
internal static class AuditPrefilter
{
    public static IQueryable<AuditRow> Apply(IQueryable<AuditRow> rows, AuditQuery query)
    {
        if (query.AfterSeq > 0)
        {
            rows = rows.Where(r => r.Seq > query.AfterSeq);
        }

        if (query.BeforeSeq is { } before)
        {
            rows = rows.Where(r => r.Seq < before);
        }

        if (query.From is { } from)
        {
            var ticks = Mapping.Ticks(from);
            rows = rows.Where(r => r.At >= ticks);
        }

        if (query.To is { } to)
        {
            var ticks = Mapping.Ticks(to);
            rows = rows.Where(r => r.At < ticks);
        }

        if (Folded(query.Action) is { } action)
        {
            rows = rows.Where(r => r.Action.ToLower().Replace("ı", "i") == action);
        }

        if (Folded(query.Actor) is { } actor)
        {
            // Any one id matching makes the joined ids contain it; AuditFilter then checks it is a whole id.
            rows = rows.Where(r => r.ActorName.ToLower().Replace("ı", "i") == actor
                || r.ActorIds.ToLower().Replace("ı", "i").Contains(actor));
        }

        return rows;
    }

    /// <summary>The filter as the SQL fold writes it, or null when there is none or it cannot be narrowed in SQL.</summary>
    private static string? Folded(string? filter) =>
        string.IsNullOrWhiteSpace(filter) || !Ascii.IsValid(filter) ? null : filter.ToLowerInvariant();
}
