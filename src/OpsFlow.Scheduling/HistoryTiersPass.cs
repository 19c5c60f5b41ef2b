using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Ports;
using OpsFlow.Engine.Reports;

namespace OpsFlow.Scheduling;

/// <summary>What one pass of the history tiers did.</summary>
public sealed record HistoryTiersResult(IReadOnlyList<ArchivedMonth> Archived, IReadOnlyList<DeletedArchive> Deleted);

/// <summary>
/// One pass of the history tiers (docs/retention.md), as the daily job and `opsflow archive` run it: months of finished
/// runs older than <see cref="RetentionOptions.HotDays"/> go to their archive files, then archives older than
/// <see cref="RetentionOptions.ColdYears"/> are deleted unless the cold tier keeps them. Each file written or deleted is
/// logged and audited in the name of whoever ran the pass.
/// </summary>
public sealed class HistoryTiersPass(IHistoryTiers tiers, IAuditLog audit, TimeProvider clock, ILogger<HistoryTiersPass> logger)
{
    /// <summary>What is wrong with <paramref name="options"/>, each with the fix; empty when nothing is.</summary>
    public static IReadOnlyList<string> Problems(RetentionOptions options)
    {
        const string Section = SchedulingServiceCollectionExtensions.RetentionSection;
        var problems = new List<string>();
        if (options.HotDays is < 0 or (> 0 and < FailureRecurrences.Days))
        {
            problems.Add($"{Section}:HotDays is {options.HotDays}; use 0 (keep every run in the database) or at least {FailureRecurrences.Days} (failure fingerprints look back {FailureRecurrences.Days} days in the database).");
        }

        if (options.ColdYears < 1)
        {
            problems.Add($"{Section}:ColdYears is {options.ColdYears}; use at least 1, or set {Section}:Cold to Keep to keep every archive.");
        }

        return problems;
    }

    /// <param name="via">The entry point, for the audit log: "system" for the daily job, "cli" for `opsflow archive`.</param>
    public async Task<HistoryTiersResult> RunAsync(RetentionOptions options, string via, string actorName, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var archived = options.HotDays > 0 ? await tiers.ArchiveAsync(now - TimeSpan.FromDays(options.HotDays), cancellationToken) : [];
        foreach (var month in archived)
        {
            Log.MonthArchived(logger, month.Month, month.Runs, month.File, month.Bytes, options.HotDays);
            await RecordAsync("archive", month.File, $"{month.Runs} run(s) of {month.Month} moved to the archive ({month.Bytes} bytes), older than {options.HotDays} days", via, actorName, cancellationToken);
        }

        var deleted = options.Cold == ColdTier.Delete ? await tiers.DeleteColdAsync(now.AddYears(-options.ColdYears), cancellationToken) : [];
        foreach (var gone in deleted)
        {
            Log.ArchiveDeleted(logger, gone.File, gone.Runs, gone.Month, options.ColdYears);
            await RecordAsync("archive-delete", gone.File, $"{gone.Runs} run(s) of {gone.Month} deleted with their archive, older than {options.ColdYears} years", via, actorName, cancellationToken);
        }

        return new HistoryTiersResult(archived, deleted);
    }

    private Task RecordAsync(string action, string file, string detail, string via, string actorName, CancellationToken cancellationToken) =>
        audit.AppendAsync(new AuditEvent(clock.GetUtcNow(), action, AuditOutcome.Done, actorName, [actorName], via, file, detail), cancellationToken);
}
