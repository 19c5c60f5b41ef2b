using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OpsFlow.Engine.Ports;

/// <summary>
/// The hash chain of the audit log, the same for every store: an entry's hash is SHA-256 over its sequence number,
/// the previous entry's hash and its fields, each length-prefixed so no two different entries encode alike.
/// </summary>
public static class AuditChain
{
    /// <summary>What the first entry names as the one before it.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public static string Hash(long seq, string previousHash, AuditEvent e)
    {
        var text = new StringBuilder();
        foreach (var field in Fields(seq, previousHash, e))
        {
            text.Append(field.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append('|');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    public static AuditEntry Link(long seq, string previousHash, AuditEvent e) => new(seq, e, previousHash, Hash(seq, previousHash, e));

    /// <summary>Checks entries in order, continuing from <paramref name="previous"/>; the first that does not fit, or null.</summary>
    public static (long Seq, string Problem)? FirstBreak(IEnumerable<AuditEntry> entries, AuditEntry? previous)
    {
        foreach (var entry in entries)
        {
            var expectedSeq = (previous?.Seq ?? 0) + 1;
            var expectedPrevious = previous?.Hash ?? Genesis;
            if (entry.Seq != expectedSeq)
            {
                return (entry.Seq, $"entry {expectedSeq} is missing (the next is {entry.Seq})");
            }

            if (!string.Equals(entry.PreviousHash, expectedPrevious, StringComparison.Ordinal))
            {
                return (entry.Seq, $"entry {entry.Seq} does not name the hash of entry {entry.Seq - 1}");
            }

            if (!string.Equals(entry.Hash, Hash(entry.Seq, entry.PreviousHash, entry.Event), StringComparison.Ordinal))
            {
                return (entry.Seq, $"entry {entry.Seq} was altered (its content does not match its hash)");
            }

            previous = entry;
        }

        return null;
    }

    private static IEnumerable<string> Fields(long seq, string previousHash, AuditEvent e) =>
    [
        seq.ToString(CultureInfo.InvariantCulture),
        previousHash,
        e.At.UtcTicks.ToString(CultureInfo.InvariantCulture),
        e.Action,
        e.Outcome.ToString(),
        e.ActorName,
        string.Join('\n', e.ActorIds),
        e.Via,
        e.Target,
        e.Detail,
    ];
}
