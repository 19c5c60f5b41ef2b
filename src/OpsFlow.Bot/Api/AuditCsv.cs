using System.Globalization;
using System.Text;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Bot.Api;

/// <summary>
/// An audit entry as a CSV record (RFC 4180): a field with a comma, a quote or a line break is quoted, its quotes
/// doubled. The ids stay one per line inside their field. Names and reasons are typed by people, and a spreadsheet runs
/// a cell that starts with =, +, - or @ as a formula, so such a text cell gets a leading ' (the JSON lines export is
/// the exact copy, the one to verify the chain from).
/// </summary>
internal static class AuditCsv
{
    public const string Header = "seq,at,action,outcome,actor_name,actor_ids,via,target,detail,previous_hash,hash";

    public static string Line(AuditEntry entry)
    {
        var e = entry.Event;
        string[] fields =
        [
            entry.Seq.ToString(CultureInfo.InvariantCulture),
            e.At.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            Text(e.Action),
            e.Outcome.ToString(),
            Text(e.ActorName),
            Text(string.Join('\n', e.ActorIds)),
            Text(e.Via),
            Text(e.Target),
            Text(e.Detail),
            entry.PreviousHash,
            entry.Hash,
        ];
        return string.Join(',', fields.Select(Quote));
    }

    /// <summary>A field as CSV writes it: quoted only when it must be.</summary>
    public static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : new StringBuilder(field.Length + 2).Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"').ToString();

    private static string Text(string value) => value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
}
