namespace OpsFlow.Persistence.Backups;

/// <summary>What a consistent copy of the database held: the rows of every table, counted in the copy's own snapshot.</summary>
public sealed record BackupContents(IReadOnlyDictionary<string, long> Rows)
{
    public long TotalRows => Rows.Values.Sum();
}

/// <summary>
/// How one database kind is backed up, checked and restored (SQLite's online backup API; PostgreSQL's pg_dump and
/// pg_restore). Registered by AddOpsFlowSqlite or AddOpsFlowPostgres; <see cref="DatabaseBackups"/> does the rest
/// (names, encryption, the second copy, retention) the same way for both.
/// </summary>
public interface IDatabaseBackup
{
    /// <summary>"sqlite" or "postgres": written into each backup's manifest, checked before a restore.</summary>
    string Kind { get; }

    /// <summary>The backup file's extension: ".db" (a SQLite database), ".dump" (pg_dump's custom format).</summary>
    string Extension { get; }

    /// <summary>Writes a consistent copy of the live database to the new file <paramref name="target"/>; cancellable at any point, leaving a file the caller deletes.</summary>
    Task<BackupContents> WriteAsync(string target, Action<string> log, CancellationToken cancellationToken);

    /// <summary>Checks a backup file as the database would read it (integrity, or the dump's table of contents); throws <see cref="BackupException"/> when it is not usable.</summary>
    Task VerifyAsync(string file, Action<string> log, CancellationToken cancellationToken);

    /// <summary>Other sessions on the database now (hosts, CLIs); a restore needs none. Empty when there are none.</summary>
    Task<IReadOnlyList<string>> OtherUsersAsync(CancellationToken cancellationToken);

    /// <summary>Replaces the database's contents with the backup's; returns the rows of every table afterwards.</summary>
    Task<BackupContents> RestoreAsync(string file, Action<string> log, CancellationToken cancellationToken);
}
