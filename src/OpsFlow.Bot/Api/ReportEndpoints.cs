using System.Globalization;
using OpsFlow.Engine.Ports;
using OpsFlow.Engine.Reports;

namespace OpsFlow.Bot.Api;

/// <summary>The dashboard's reports (docs/product.md §9): queries over the history, answered by the database.</summary>
internal static class ReportEndpoints
{
    /// <summary>The range when the caller gives none: the last 30 days.</summary>
    public static readonly TimeSpan DefaultSpan = TimeSpan.FromDays(30);

    private const int MaxTake = 100;

    public static void MapReportEndpoints(this RouteGroupBuilder api)
    {
        var reports = api.MapGroup("/reports");
        reports.MapGet("/summary", SummaryAsync);
        reports.MapGet("/success-rate", SuccessRateAsync);
        reports.MapGet("/step-durations", StepDurationsAsync);
        reports.MapGet("/failures", FailuresAsync);
        reports.MapGet("/workflows", WorkflowsAsync);
        reports.MapGet("/monthly", MonthlyAsync);
    }

    private static async Task<IResult> SummaryAsync(string? from, string? to, IRunReports reports, TimeProvider clock, CancellationToken cancellationToken) =>
        Range(from, to, clock, out var range) ?? Results.Ok(await reports.GetSummaryAsync(range, cancellationToken));

    private static async Task<IResult> SuccessRateAsync(
        string? from, string? to, string? bucket, IRunReports reports, TimeProvider clock, CancellationToken cancellationToken) =>
        Range(from, to, clock, out var range) ?? Bucket(bucket, range, out var width)
        ?? Results.Ok(await reports.GetSuccessRateAsync(range, width, cancellationToken));

    private static async Task<IResult> StepDurationsAsync(
        string? from, string? to, string? workflow, IRunReports reports, TimeProvider clock, CancellationToken cancellationToken) =>
        Range(from, to, clock, out var range)
        ?? Results.Ok(await reports.GetStepDurationsAsync(range, string.IsNullOrWhiteSpace(workflow) ? null : workflow.Trim(), cancellationToken));

    private static async Task<IResult> FailuresAsync(
        string? from, string? to, string? take, IRunReports reports, TimeProvider clock, CancellationToken cancellationToken) =>
        Range(from, to, clock, out var range) ?? Take(take, out var count) ?? Results.Ok(await reports.GetFailuresAsync(range, count, cancellationToken));

    private static async Task<IResult> WorkflowsAsync(string? from, string? to, IRunReports reports, TimeProvider clock, CancellationToken cancellationToken) =>
        Range(from, to, clock, out var range) ?? Results.Ok(await reports.GetWorkflowsAsync(range, cancellationToken));

    private static async Task<IResult> MonthlyAsync(string? month, IRunReports store, IWorkflowCatalog catalog, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var (year, number) = (now.Year, now.Month);
        if (month is not null)
        {
            if (!DateTime.TryParseExact(month, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                return Bad("month must be a year and month such as month=2026-11");
            }

            (year, number) = (parsed.Year, parsed.Month);
        }

        return Results.Ok(await MonthlyReport.BuildAsync(store, year, number, workflow => catalog.Find(workflow)?.ManualMinutes, cancellationToken));
    }

    /// <summary>from and to are optional: to defaults to now, from to 30 days before to. A problem when either is bad.</summary>
    private static IResult? Range(string? from, string? to, TimeProvider clock, out ReportRange range)
    {
        range = new ReportRange(default, default);
        var end = clock.GetUtcNow();
        if (to is not null && !TryTime(to, out end))
        {
            return Bad("to must be a date or a date and time such as to=2026-12-01 or to=2026-12-01T00:00:00Z");
        }

        var start = end - DefaultSpan;
        if (from is not null && !TryTime(from, out start))
        {
            return Bad("from must be a date or a date and time such as from=2026-11-01 or from=2026-11-01T00:00:00Z");
        }

        if (start >= end)
        {
            return Bad("from must be before to, as in from=2026-11-01&to=2026-12-01");
        }

        range = new ReportRange(start, end);
        return null;
    }

    private static bool TryTime(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    private static IResult? Bucket(string? bucket, ReportRange range, out ReportBucket parsed)
    {
        ReportBucket? known = bucket?.Trim().ToLowerInvariant() switch
        {
            null or "day" => ReportBucket.Day,
            "week" => ReportBucket.Week,
            _ => null,
        };
        parsed = known ?? ReportBucket.Day;
        if (known is null)
        {
            return Bad("bucket must be day or week, as in bucket=week");
        }

        var count = ReportRules.BucketCount(range, parsed);
        return count <= ReportRules.MaxBuckets ? null
            : Bad($"bucket={parsed.ToString().ToLowerInvariant()} gives {count:N0} buckets over this range, more than {ReportRules.MaxBuckets:N0}; use bucket=week or a shorter range");
    }

    private static IResult? Take(string? take, out int count)
    {
        count = 10;
        if (take is null)
        {
            return null;
        }

        return int.TryParse(take, NumberStyles.None, CultureInfo.InvariantCulture, out count) && count is >= 1 and <= MaxTake
            ? null
            : Bad($"take must be a whole number from 1 to {MaxTake}, as in take=10");
    }

    private static IResult Bad(string detail) => RunEndpoints.Problem(StatusCodes.Status400BadRequest, detail);
}
