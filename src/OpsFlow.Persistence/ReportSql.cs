namespace OpsFlow.Persistence;

/// <summary>
/// The report queries (see ReportRules for the definitions they share with the in-memory reports). Statuses are
/// written out because a partial index and the query that uses it must say the same thing. Every identifier is quoted
/// and only SQL both databases have is used (SUM(CASE …) rather than SQLite's SUM(condition)), so each query runs on
/// SQLite and PostgreSQL alike.
/// </summary>
internal static class ReportSql
{
    public static FormattableString Summary(long from, long to) => $"""
        SELECT COUNT(*) AS "Runs",
               COALESCE(SUM(CASE WHEN "Status" = 'Succeeded' THEN 1 ELSE 0 END), 0) AS "Succeeded",
               COALESCE(SUM(CASE WHEN "Status" = 'Failed' THEN 1 ELSE 0 END), 0) AS "Failed",
               COALESCE(SUM(CASE WHEN "Status" = 'RolledBack' THEN 1 ELSE 0 END), 0) AS "RolledBack",
               COALESCE(SUM(CASE WHEN "Status" = 'Cancelled' THEN 1 ELSE 0 END), 0) AS "Cancelled",
               COUNT(CASE WHEN "Status" IN ('Succeeded', 'Failed', 'RolledBack', 'Cancelled') THEN "EndedAt" - "StartedAt" END) AS "Timed",
               AVG(CASE WHEN "Status" IN ('Succeeded', 'Failed', 'RolledBack', 'Cancelled') THEN "EndedAt" - "StartedAt" END) AS "AverageTicks"
        FROM "runs" WHERE "CreatedAt" >= {from} AND "CreatedAt" < {to}
        """;

    public static FormattableString Durations(long from, long to, int skip, int take) => $"""
        SELECT "EndedAt" - "StartedAt" AS "Value" FROM "runs"
        WHERE "CreatedAt" >= {from} AND "CreatedAt" < {to}
          AND "Status" IN ('Succeeded', 'Failed', 'RolledBack', 'Cancelled') AND "EndedAt" - "StartedAt" IS NOT NULL
        ORDER BY 1 LIMIT {take} OFFSET {skip}
        """;

    public static FormattableString Buckets(long from, long to, long origin, long width) => $"""
        SELECT ("CreatedAt" - {origin}) / {width} AS "Bucket", COUNT(*) AS "Runs",
               SUM(CASE WHEN "Status" = 'Succeeded' THEN 1 ELSE 0 END) AS "Succeeded",
               SUM(CASE WHEN "Status" IN ('Succeeded', 'Failed', 'RolledBack', 'Cancelled') THEN 1 ELSE 0 END) AS "Finished"
        FROM "runs" WHERE "CreatedAt" >= {from} AND "CreatedAt" < {to}
        GROUP BY 1
        """;

    // Step durations: whole months from the rollup (StepDurationRollup.cs), already summed per bucket; the rest of
    // the range from the step rows themselves. Read by column position (SqlRows), so the column order matters; sums
    // are cast because PostgreSQL's SUM of a bigint is a numeric. New SQL quotes its identifiers and uses only what PostgreSQL has too.
    public static FormattableString StepDurationBuckets(long fromMonth, long toMonth, string? workflow) => $"""
        SELECT "Workflow", "Step", "Bucket", CAST(SUM("Steps") AS BIGINT) AS "Steps", CAST(SUM("Attempts") AS BIGINT) AS "Attempts",
               CAST(SUM("Ticks") AS BIGINT) AS "Ticks", CAST(SUM("CpuSteps") AS BIGINT) AS "CpuSteps", CAST(SUM("CpuMilliseconds") AS BIGINT) AS "CpuMilliseconds"
        FROM "step_duration_rollup"
        WHERE "Month" >= {fromMonth} AND "Month" < {toMonth} AND ({workflow ?? ""} = '' OR "Workflow" = {workflow ?? ""})
        GROUP BY "Workflow", "Step", "Bucket"
        """;

    public static FormattableString StepDurationRows(long from, long to, string? workflow) => $"""
        SELECT r."Workflow" AS "Workflow", s."Name" AS "Step", s."Attempt" AS "Attempt", s."EndedAt" - s."StartedAt" AS "Ticks",
               s."CpuMilliseconds" AS "CpuMilliseconds"
        FROM "runs" r JOIN "steps" s ON s."RunId" = r."Id"
        WHERE r."CreatedAt" >= {from} AND r."CreatedAt" < {to} AND ({workflow ?? ""} = '' OR r."Workflow" = {workflow ?? ""})
          AND s."StartedAt" IS NOT NULL AND s."EndedAt" IS NOT NULL
        """;

    public static FormattableString StepDurationsByCreation() => $"""
        SELECT r."CreatedAt" AS "CreatedAt", r."Workflow" AS "Workflow", s."Name" AS "Step", s."Attempt" AS "Attempt",
               s."EndedAt" - s."StartedAt" AS "Ticks", s."CpuMilliseconds" AS "CpuMilliseconds"
        FROM "runs" r JOIN "steps" s ON s."RunId" = r."Id"
        WHERE s."StartedAt" IS NOT NULL AND s."EndedAt" IS NOT NULL
        ORDER BY r."CreatedAt"
        """;

    /// <summary>Rows to add to the rollup; <paramref name="values"/> is "({0}, …, {6}), ({7}, …)", filled by parameters.</summary>
    public static string AddToRollup(string values) => $"""
        INSERT INTO "step_duration_rollup" ("Month", "Workflow", "Step", "Bucket", "Steps", "Attempts", "Ticks", "CpuSteps", "CpuMilliseconds")
        VALUES {values}
        ON CONFLICT ("Month", "Workflow", "Step", "Bucket") DO UPDATE SET
            "Steps" = "step_duration_rollup"."Steps" + excluded."Steps",
            "Attempts" = "step_duration_rollup"."Attempts" + excluded."Attempts",
            "Ticks" = "step_duration_rollup"."Ticks" + excluded."Ticks",
            "CpuSteps" = "step_duration_rollup"."CpuSteps" + excluded."CpuSteps",
            "CpuMilliseconds" = "step_duration_rollup"."CpuMilliseconds" + excluded."CpuMilliseconds"
        """;

    public static FormattableString Failures(long from, long to, int take) => $"""
        WITH f AS (
            SELECT r."Workflow" AS "Workflow", s."Name" AS "Step", COALESCE(s."Error", '') AS "Error",
                   COALESCE(s."EndedAt", r."CreatedAt") AS "At", r."Id" AS "RunId"
            FROM "steps" s JOIN "runs" r ON r."Id" = s."RunId"
            WHERE s."Status" IN ('Failed', 'TimedOut') AND r."CreatedAt" >= {from} AND r."CreatedAt" < {to}),
        ranked AS (
            SELECT "Workflow", "Step", "Error", "At", "RunId",
                   ROW_NUMBER() OVER (PARTITION BY "Workflow", "Step", "Error" ORDER BY "At" DESC, "RunId" DESC) AS "Rank",
                   COUNT(*) OVER (PARTITION BY "Workflow", "Step", "Error") AS "N"
            FROM f)
        SELECT "Workflow", "Step", "Error", "N" AS "Count", "At" AS "LastAt", "RunId" AS "LastRunId"
        FROM ranked WHERE "Rank" = 1
        ORDER BY "N" DESC, "At" DESC, "Workflow", "Step", "Error"
        LIMIT {take}
        """;

    public static FormattableString StepFailures(string workflow, string step, long since, int take) => $"""
        SELECT h."RunId" AS "RunId", h."Seq" AS "Seq", h."At" AS "At", h."Reason" AS "Reason", r."WorkflowVersion" AS "WorkflowVersion"
        FROM "history" h JOIN "runs" r ON r."Id" = h."RunId"
        WHERE r."Workflow" = {workflow} AND h."Step" = {step} AND h."Kind" = 'Step'
          AND h."ToStatus" IN ('Failed', 'TimedOut') AND h."At" >= {since}
        ORDER BY h."At" DESC, h."RunId" DESC, h."Seq" DESC
        LIMIT {take}
        """;

    public static FormattableString Workflows(long from, long to) => $"""
        WITH w AS (
            SELECT "Workflow", COUNT(*) AS "Runs",
                   SUM(CASE WHEN "Status" = 'Succeeded' THEN 1 ELSE 0 END) AS "Succeeded",
                   SUM(CASE WHEN "Status" IN ('Succeeded', 'Failed', 'RolledBack', 'Cancelled') THEN 1 ELSE 0 END) AS "Finished",
                   AVG(CASE WHEN "Status" IN ('Succeeded', 'Failed', 'RolledBack', 'Cancelled') THEN "EndedAt" - "StartedAt" END) AS "AverageTicks",
                   MAX("CreatedAt") AS "LastAt"
            FROM "runs" WHERE "CreatedAt" >= {from} AND "CreatedAt" < {to}
            GROUP BY "Workflow")
        SELECT w."Workflow", w."Runs", w."Succeeded", w."Finished", w."AverageTicks", w."LastAt", l."Id" AS "LastRunId", l."Status" AS "LastStatus"
        FROM w JOIN "runs" l ON l."Id" = (
            SELECT "Id" FROM "runs" WHERE "Workflow" = w."Workflow" AND "CreatedAt" = w."LastAt" ORDER BY "Id" DESC LIMIT 1)
        ORDER BY w."Runs" DESC, w."Workflow"
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

internal sealed class FailureRow
{
    public string Workflow { get; set; } = "";
    public string Step { get; set; } = "";
    public string Error { get; set; } = "";
    public int Count { get; set; }
    public long LastAt { get; set; }
    public string LastRunId { get; set; } = "";
}

internal sealed class StepFailureRow
{
    public string RunId { get; set; } = "";
    public long Seq { get; set; }
    public long At { get; set; }
    public string Reason { get; set; } = "";
    public string? WorkflowVersion { get; set; }
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
