using System.Globalization;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Bot.Api;

/// <summary>The query string of GET /api/audit, as sent: every value is checked by <see cref="AuditRequest.Parse"/>.</summary>
internal sealed record AuditParameters(
    string? From, string? To, string? Actor, string? Action, string? After, string? Before, string? Limit, string? Order, string? Format);

internal enum AuditFormat
{
    Json,
    JsonLines,
    Csv,
}

/// <summary>
/// A checked audit query. <see cref="Limit"/> is what the caller asked for: a page of JSON is 100 entries unless told,
/// a download is every matching entry unless told.
/// </summary>
internal sealed record AuditRequest(AuditQuery Query, AuditFormat Format, int? Limit)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1_000;

    /// <summary>The request, or null and every problem in words that say what to send instead.</summary>
    public static (AuditRequest? Request, IReadOnlyList<string> Problems) Parse(AuditParameters p)
    {
        var problems = new List<string>();
        var from = Time(p.From, "from", problems);
        var to = Time(p.To, "to", problems);
        if (from is { } start && to is { } end && start >= end)
        {
            problems.Add("from must be before to, as in from=2026-11-01&to=2026-12-01");
        }

        var after = Seq(p.After, "after", problems);
        var before = Seq(p.Before, "before", problems);
        int? limit = null;
        if (p.Limit is not null)
        {
            if (int.TryParse(p.Limit, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= MaxLimit)
            {
                limit = value;
            }
            else
            {
                problems.Add($"limit must be a whole number from 1 to {MaxLimit}, as in limit=100");
            }
        }

        var newestFirst = p.Order?.Trim().ToLowerInvariant() switch
        {
            null or "" or "oldest" => false,
            "newest" => true,
            _ => Problem(problems, "order must be oldest (the default) or newest"),
        };
        AuditFormat? format = p.Format?.Trim().ToLowerInvariant() switch
        {
            null or "" or "json" => AuditFormat.Json,
            "jsonl" => AuditFormat.JsonLines,
            "csv" => AuditFormat.Csv,
            _ => null,
        };
        if (format is null)
        {
            problems.Add("format must be json (the default), jsonl or csv");
        }

        if (problems.Count > 0)
        {
            return (null, problems);
        }

        var query = new AuditQuery(
            from,
            to,
            string.IsNullOrWhiteSpace(p.Actor) ? null : p.Actor.Trim(),
            string.IsNullOrWhiteSpace(p.Action) ? null : p.Action.Trim(),
            after ?? 0,
            limit ?? DefaultLimit,
            before,
            newestFirst);
        return (new AuditRequest(query, format!.Value, limit), problems);
    }

    private static DateTimeOffset? Time(string? text, string name, List<string> problems)
    {
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return time;
        }

        problems.Add($"{name} must be a date or a date and time such as {name}=2026-11-01 or {name}=2026-11-01T08:00:00Z");
        return null;
    }

    private static long? Seq(string? text, string name, List<string> problems)
    {
        if (text is null)
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            return seq;
        }

        problems.Add($"{name} must be an entry's seq, a whole number such as {name}=120");
        return null;
    }

    private static bool Problem(List<string> problems, string problem)
    {
        problems.Add(problem);
        return false;
    }
}
