namespace OpsFlow.Persistence;

/// <summary>
/// The report queries (see ReportRules for the definitions they share with the in-memory reports). Statuses are
/// written out because a partial index and the query that uses it must say the same thing.
/// </summary>
internal static class ReportSql
{
    public static FormattableString Summary(long from, long to) => $"""
        SELECT COUNT(*) AS Runs,
               COALESCE(SUM(CASE WHEN Status = 'Succeeded' THEN 1 ELSE 0 END), 0) AS Succeeded,
               COALESCE(SUM(CASE WHEN Status = 'Failed' THEN 1 ELSE 0 END), 0) AS Failed,
               COALESCE(SUM(CASE WHEN Status = 'RolledBack' THEN 1 ELSE 0 END), 0) AS RolledBack,
               COALESCE(SUM(CASE WHEN Status = 'Cancelled' THEN 1 ELSE 0 END), 0) AS Cancelled,
               COUNT(CASE WHEN Status IN ('Succeeded', 'Failed', 'RolledBack', 'Cancelled') THEN EndedAt - StartedAt END) AS Timed,
               AVG(CASE WHEN Status IN ('Succeeded', 'Failed', 'RolledBack', 'Cancelled') THEN EndedAt - StartedAt END) AS AverageTicks
        FROM runs WHERE CreatedAt >= {from} AND CreatedAt < {to}
        """;

    public static FormattableString Durations(long from, long to, int skip, int take) => $"""
        SELECT EndedAt - StartedAt AS Value FROM runs
        WHERE CreatedAt >= {from} AND CreatedAt < {to}
          AND Status IN ('Succeeded', 'Failed', 'RolledBack', 'Cancelled') AND EndedAt - StartedAt IS NOT NULL
        ORDER BY 1 LIMIT {take} OFFSET {skip}
        """;

    public static FormattableString Buckets(long from, long to, long origin, long width) => $"""
        SELECT (CreatedAt - {origin}) / {width} AS Bucket, COUNT(*) AS Runs,
               SUM(CASE WHEN Status = 'Succeeded' THEN 1 ELSE 0 END) AS Succeeded,
               SUM(CASE WHEN Status IN ('Succeeded', 'Failed', 'RolledBack', 'Cancelled') THEN 1 ELSE 0 END) AS Finished
        FROM runs WHERE CreatedAt >= {from} AND CreatedAt < {to}
        GROUP BY 1
        """;

    // The 95th percentile is the row ranked ⌈0.95·n⌉ in its group: (95n + 99) / 100 in integers. Every figure is
    // a window over the same partition and order, so SQLite sorts the rows once and needs no GROUP BY after it.
    public static FormattableString StepDurations(long from, long to, string? workflow) => $"""
        SELECT Workflow, Step, Attempts, CAST(TotalTicks AS DOUBLE PRECISION) / N AS AverageTicks, TotalTicks, Ticks AS P95Ticks
        FROM (
            SELECT r.Workflow AS Workflow, s.Name AS Step, s.EndedAt - s.StartedAt AS Ticks,
                   ROW_NUMBER() OVER w AS Rank, COUNT(*) OVER w AS N,
                   SUM(s.Attempt) OVER w AS Attempts, SUM(s.EndedAt - s.StartedAt) OVER w AS TotalTicks
            FROM runs r JOIN steps s ON s.RunId = r.Id
            WHERE r.CreatedAt >= {from} AND r.CreatedAt < {to} AND ({workflow ?? ""} = '' OR r.Workflow = {workflow ?? ""})
              AND s.EndedAt - s.StartedAt IS NOT NULL
            WINDOW w AS (PARTITION BY r.Workflow, s.Name ORDER BY s.EndedAt - s.StartedAt ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)) AS d
        WHERE Rank = (N * 95 + 99) / 100
        ORDER BY TotalTicks DESC, Workflow, Step
        """;

    public static FormattableString Failures(long from, long to, int take) => $"""
        WITH f AS (
            SELECT r.Workflow AS Workflow, s.Name AS Step, COALESCE(s.Error, '') AS Error,
                   COALESCE(s.EndedAt, r.CreatedAt) AS At, r.Id AS RunId
            FROM steps s JOIN runs r ON r.Id = s.RunId
            WHERE s.Status IN ('Failed', 'TimedOut') AND r.CreatedAt >= {from} AND r.CreatedAt < {to}),
        ranked AS (
            SELECT Workflow, Step, Error, At, RunId,
                   ROW_NUMBER() OVER (PARTITION BY Workflow, Step, Error ORDER BY At DESC, RunId DESC) AS Rank,
                   COUNT(*) OVER (PARTITION BY Workflow, Step, Error) AS N
            FROM f)
        SELECT Workflow, Step, Error, N AS Count, At AS LastAt, RunId AS LastRunId
        FROM ranked WHERE Rank = 1
        ORDER BY N DESC, At DESC, Workflow, Step, Error
        LIMIT {take}
        """;

    public static FormattableString Workflows(long from, long to) => $"""
        WITH w AS (
            SELECT Workflow, COUNT(*) AS Runs,
                   SUM(CASE WHEN Status = 'Succeeded' THEN 1 ELSE 0 END) AS Succeeded,
                   SUM(CASE WHEN Status IN ('Succeeded', 'Failed', 'RolledBack', 'Cancelled') THEN 1 ELSE 0 END) AS Finished,
                   AVG(CASE WHEN Status IN ('Succeeded', 'Failed', 'RolledBack', 'Cancelled') THEN EndedAt - StartedAt END) AS AverageTicks,
                   MAX(CreatedAt) AS LastAt
            FROM runs WHERE CreatedAt >= {from} AND CreatedAt < {to}
            GROUP BY Workflow)
        SELECT w.Workflow, w.Runs, w.Succeeded, w.Finished, w.AverageTicks, w.LastAt, l.Id AS LastRunId, l.Status AS LastStatus
        FROM w JOIN runs l ON l.Id = (
            SELECT Id FROM runs WHERE Workflow = w.Workflow AND CreatedAt = w.LastAt ORDER BY Id DESC LIMIT 1)
        ORDER BY w.Runs DESC, w.Workflow
        """;
}

// What the queries answer, column by column.

internal sealed class SummaryRow
{
    public int Runs { get; set; }
    public int Succeeded { get; set; }
    public int Failed { get; set; }
    public int RolledBack { get; set; }
    public int Cancelled { get; set; }
    public int Timed { get; set; }
    public double? AverageTicks { get; set; }
}

internal sealed class BucketRow
{
    public long Bucket { get; set; }
    public int Runs { get; set; }
    public int Succeeded { get; set; }
    public int Finished { get; set; }
}

internal sealed class StepDurationRow
{
    public string Workflow { get; set; } = "";
    public string Step { get; set; } = "";
    public int Attempts { get; set; }
    public double AverageTicks { get; set; }
    public long P95Ticks { get; set; }
    public long TotalTicks { get; set; }
}

internal sealed class FailureRow
{
    public string Workflow { get; set; } = "";
    public string Step { get; set; } = "";
    public string Error { get; set; } = "";
    public int Count { get; set; }
    public long LastAt { get; set; }
    public string LastRunId { get; set; } = "";
}

internal sealed class WorkflowRow
{
    public string Workflow { get; set; } = "";
    public int Runs { get; set; }
    public int Succeeded { get; set; }
    public int Finished { get; set; }
    public double? AverageTicks { get; set; }
    public long LastAt { get; set; }
    public string LastRunId { get; set; } = "";
    public string LastStatus { get; set; } = "";
}
