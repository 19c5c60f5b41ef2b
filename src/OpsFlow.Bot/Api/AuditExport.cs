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
            stream => WriteAsync(stream, log, request, csv ? AuditCsv.Line : e => JsonSerializer.Serialize(AuditEntryView.Of(e), json), csv ? AuditCsv.Header : null, cancellationToken),
            csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
            name);
    }

    private static async Task WriteAsync(
        Stream stream, IAuditLog log, AuditRequest request, Func<AuditEntry, string> line, string? header, CancellationToken cancellationToken)
    {
        await using var text = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), leaveOpen: true) { NewLine = "\n" };
        if (header is not null)
        {
            await text.WriteLineAsync(header.AsMemory(), cancellationToken);
        }

        var query = request.Query;
        long remaining = request.Limit ?? long.MaxValue;
        while (remaining > 0)
        {
            var wanted = (int)Math.Min(Page, remaining);
            var entries = await log.QueryAsync(query with { Limit = wanted }, cancellationToken);
            foreach (var entry in entries)
            {
                await text.WriteLineAsync(line(entry).AsMemory(), cancellationToken);
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
