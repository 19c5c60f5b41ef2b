namespace OpsFlow.Engine.Ports;

/// <summary>A month of finished runs written to an archive file and cleared from the hot tier.</summary>
/// <param name="Month">The UTC month the runs were created in, as yyyy-MM.</param>
/// <param name="File">The archive file's name in the archive folder.</param>
public sealed record ArchivedMonth(string Month, string File, int Runs, long Bytes);

/// <summary>An archive file of the cold tier that was deleted, with the runs it held.</summary>
public sealed record DeletedArchive(string Month, string File, int Runs);

/// <summary>
/// The warm and cold tiers of run history (docs/retention.md). Hot: everything in the database. Warm: a finished run's
/// detail in a compressed, checksummed monthly archive file, with the run's row and a summary of each step (status,
/// attempts, times, error) kept in the database so that lists, lookups and reports stay whole. Cold: archives past the
/// compliance period, deleted with their runs.
/// </summary>
public interface IHistoryTiers
{
    /// <summary>
    /// Archives the finished runs of every UTC month that ended before <paramref name="hotSince"/>, one file per month
    /// (a second part when a run of an archived month finished later). Safe to repeat and to interrupt: a file counts
    /// only once the database names it.
    /// </summary>
    Task<IReadOnlyList<ArchivedMonth>> ArchiveAsync(DateTimeOffset hotSince, CancellationToken cancellationToken = default);

    /// <summary>Deletes the archives of months that ended before <paramref name="coldBefore"/>, and their runs' rows.</summary>
    Task<IReadOnlyList<DeletedArchive>> DeleteColdAsync(DateTimeOffset coldBefore, CancellationToken cancellationToken = default);
}
