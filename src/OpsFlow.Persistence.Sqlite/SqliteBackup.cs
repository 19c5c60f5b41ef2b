using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using OpsFlow.Persistence.Backups;
using SQLitePCL;

namespace OpsFlow.Persistence.Sqlite;

/// <summary>
/// SQLite backups: SQLite's online backup API, a step of pages at a time (so a cancel or a timeout stops it between
/// steps), from a read-only connection while the host goes on writing; the copy is one self-contained file.
/// </summary>
public sealed class SqliteBackup(IOptions<SqliteOptions> options) : IDatabaseBackup
{
    private const int PagesPerStep = 1024;
    private const string TablesSql = "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";

    public string Kind => "sqlite";

    public string Extension => ".db";

    private string DatabaseFile => Path.GetFullPath(new SqliteConnectionStringBuilder(options.Value.ConnectionString).DataSource);

    public async Task<BackupContents> WriteAsync(string target, Action<string> log, CancellationToken cancellationToken)
    {
        if (!File.Exists(DatabaseFile))
        {
            throw new BackupException($"there is no SQLite database at {DatabaseFile} (ConnectionStrings:OpsFlow)");
        }

        await Task.Run(() => Copy(target, log, cancellationToken), cancellationToken);
        using var copy = Open(target, SqliteOpenMode.ReadWrite);
        // The copy inherits WAL mode from the live database; a backup should be one self-contained file.
        Execute(copy, "PRAGMA journal_mode=DELETE");
        return await BackupTools.CountRowsAsync(copy, null, TablesSql, Quote, cancellationToken);
    }

    public Task VerifyAsync(string file, Action<string> log, CancellationToken cancellationToken) =>
        Task.Run(
            () =>
            {
                using var connection = Open(file, SqliteOpenMode.ReadOnly);
                using var check = connection.CreateCommand();
                check.CommandText = "PRAGMA integrity_check";
                var answer = Convert.ToString(check.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
                if (answer != "ok")
                {
                    throw new BackupException($"{file} failed SQLite's integrity check: {answer}");
                }

                log($"integrity check: ok ({new FileInfo(file).Length} bytes)");
            },
            cancellationToken);

    /// <summary>
    /// Processes that hold the database, its write-ahead log or its shared memory open (Linux: /proc/*/fd; only the
    /// processes this account may look at). Elsewhere a write-ahead log left beside the file is taken as a user.
    /// </summary>
    public Task<IReadOnlyList<string>> OtherUsersAsync(CancellationToken cancellationToken)
    {
        var files = new HashSet<string>(StringComparer.Ordinal) { DatabaseFile, DatabaseFile + "-wal", DatabaseFile + "-shm" };
        if (!OperatingSystem.IsLinux())
        {
            IReadOnlyList<string> found = File.Exists(DatabaseFile + "-wal") ? [$"{DatabaseFile}-wal exists: a host may have the database open"] : [];
            return Task.FromResult(found);
        }

        var users = new List<string>();
        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            cancellationToken.ThrowIfCancellationRequested();
            // This process too: a connection it left open (a pool) would keep the old file alive under the new one.
            if (!int.TryParse(Path.GetFileName(process), out var pid))
            {
                continue;
            }

            try
            {
                if (Directory.EnumerateFileSystemEntries(Path.Combine(process, "fd")).Any(fd => new FileInfo(fd).LinkTarget is { } target && files.Contains(target)))
                {
                    var command = File.ReadAllText(Path.Combine(process, "cmdline")).Replace('\0', ' ').Trim();
                    users.Add($"process {pid}: {(command.Length > 120 ? command[..120] + "…" : command)}");
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone, or another account's: not ours to see.
            }
        }

        return Task.FromResult<IReadOnlyList<string>>(users);
    }

    public async Task<BackupContents> RestoreAsync(string file, Action<string> log, CancellationToken cancellationToken)
    {
        var database = DatabaseFile;
        var partial = database + ".restore.partial";
        File.Delete(partial);
        File.Copy(file, partial);
        // A log or shared memory left by the old file would be replayed into the new one.
        File.Delete(database + "-wal");
        File.Delete(database + "-shm");
        File.Move(partial, database, overwrite: true);
        log($"replaced {database}");
        using var restored = Open(database, SqliteOpenMode.ReadOnly);
        return await BackupTools.CountRowsAsync(restored, null, TablesSql, Quote, cancellationToken);
    }

    private void Copy(string target, Action<string> log, CancellationToken cancellationToken)
    {
        using var from = Open(DatabaseFile, SqliteOpenMode.ReadOnly);
        using var to = Open(target, SqliteOpenMode.ReadWriteCreate);
        var backup = raw.sqlite3_backup_init(to.Handle, "main", from.Handle, "main")
            ?? throw new BackupException($"SQLite could not start a backup of {DatabaseFile}: {raw.sqlite3_errmsg(to.Handle).utf8_to_string()}");
        try
        {
            var reported = -1;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var result = raw.sqlite3_backup_step(backup, PagesPerStep);
                if (result == raw.SQLITE_DONE)
                {
                    break;
                }

                if (result is not (raw.SQLITE_OK or raw.SQLITE_BUSY or raw.SQLITE_LOCKED))
                {
                    throw new BackupException($"SQLite's backup of {DatabaseFile} failed: {raw.sqlite3_errstr(result).utf8_to_string()}");
                }

                var total = raw.sqlite3_backup_pagecount(backup);
                var done = total - raw.sqlite3_backup_remaining(backup);
                var percent = total == 0 ? 100 : 100 * done / total;
                if (percent / 25 != reported / 25)
                {
                    reported = percent;
                    log($"copying: {done} of {total} pages");
                }
            }
        }
        finally
        {
            raw.sqlite3_backup_finish(backup);
        }
    }

    // Pooling off: a pooled connection keeps the file open after Dispose, which would block renaming or deleting it.
    private static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string Quote(string table) => "\"" + table.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
