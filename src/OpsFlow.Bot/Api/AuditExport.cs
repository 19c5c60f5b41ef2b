using System.Text;
using System.Text.Json;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Bot.Api;

/// <summary>
/// The audit log as a file to keep elsewhere: JSON lines (exact, what a copy is verified from) or CSV (for a
/// spreadsheet). Written page by page as it is read, so a download of the whole log never sits in memory.
/// </summary>
internal static class AuditExport
{
    private const int Page = 1_000;

    public static IResult Download(IAuditLog log, AuditRequest request, DateTimeOffset now, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        var csv = request.Format == AuditFormat.Csv;
        var name = $"opsflow-audit-{now.UtcDateTime:yyyyMMdd-HHmmss}.{(csv ? "csv" : "jsonl")}";
        return Results.Stream(
            async stream =>
            {
                await using var text = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), leaveOpen: true) { NewLine = "\n" };
                await WriteAsync(text, log, request.Query, request.Limit, request.Format, json, cancellationToken);
            },
            csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
            name);
    }

    /// <summary>
    /// Writes the entries <paramref name="query"/> matches, in its order, as JSON lines or CSV (with its header line):
    /// the first <paramref name="limit"/>, or all of them. The command line writes its exports with this too.
    /// </summary>
    public static async Task WriteAsync(
        TextWriter text, IAuditLog log, AuditQuery query, int? limit, AuditFormat format, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        Func<AuditEntry, string> line = format == AuditFormat.Csv ? AuditCsv.Line : e => JsonSerializer.Serialize(AuditEntryView.Of(e), json);
        if (format == AuditFormat.Csv)
        {
            await text.WriteAsync((AuditCsv.Header + text.NewLine).AsMemory(), cancellationToken);
        }

        long remaining = limit ?? long.MaxValue;
        while (remaining > 0)
        {
            var wanted = (int)Math.Min(Page, remaining);
            var entries = await log.QueryAsync(query with { Limit = wanted }, cancellationToken);
            foreach (var entry in entries)
            {
                await text.WriteAsync((line(entry) + text.NewLine).AsMemory(), cancellationToken);
            }

            await text.FlushAsync(cancellationToken);
            remaining -= entries.Count;
            if (entries.Count < wanted)
            {
                break;
            }

            query = query.NewestFirst ? query with { BeforeSeq = entries[^1].Seq } : query with { AfterSeq = entries[^1].Seq };
        }
    }
}
