using Microsoft.Data.Sqlite;
using OpsFlow.Engine.Definitions;

namespace OpsFlow.Scripting.Api;

/// <summary>One table of a SQLite database and how many rows it holds.</summary>
public sealed record SqliteTableFacts(string Name, long Rows);

/// <summary>What <see cref="SqliteHelpers.VerifySqlite"/> found in a database file.</summary>
/// <param name="IsIntact">True when <c>PRAGMA integrity_check</c> answered "ok".</param>
/// <param name="Integrity">The check's answer: "ok", or the first problems it listed.</param>
public sealed record SqliteFacts(bool IsIntact, string Integrity, IReadOnlyList<SqliteTableFacts> Tables, long SizeBytes)
{
    public long TotalRows => Tables.Sum(t => t.Rows);
}

/// <summary>
/// SQLite from a step: a consistent copy of a live database and a check of a copy. Scripts see paths and plain
/// records only, because they compile against System.* and this assembly, not against Microsoft.Data.Sqlite.
/// </summary>
public static class SqliteHelpers
{
    /// <summary>
    /// Copies the database at <paramref name="source"/> to the new file <paramref name="target"/> with SQLite's
    /// online backup API: the copy is a consistent snapshot even while other connections write (a plain file copy
    /// of a WAL database is not). The copy appears under its name only once complete, and only if the step was not
    /// cancelled or timed out meanwhile: it is copied a step of pages at a time, and a cancel between steps deletes
    /// the partial file. Returns its size in bytes. The copy is readable by the service account only (0600). For the
    /// OpsFlow database itself use <see cref="BackupHelpers.BackUpOpsFlow"/> (either database kind, verified, encrypted).
    /// </summary>
    public static async Task<long> BackupSqlite(this StepContext ctx, string source, string target)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        if (!File.Exists(source))
        {
            throw new FileNotFoundException($"There is no SQLite database at {Path.GetFullPath(source)}.", source);
        }

        if (File.Exists(target))
        {
            throw new IOException($"{target} exists already; a backup never overwrites another.");
        }

        var partial = target + ".partial";
        PrepareOwnerOnly(Path.GetDirectoryName(Path.GetFullPath(target))!, partial);
        ctx.Log($"backing up {source} to {target}");
        try
        {
            await Task.Run(() => Copy(source, partial, ctx.CancellationToken), ctx.CancellationToken);
            ctx.CancellationToken.ThrowIfCancellationRequested();
            File.Move(partial, target);
        }
        finally
        {
            File.Delete(partial);
        }

        var size = new FileInfo(target).Length;
        ctx.Log($"backup written: {size} bytes");
        return size;
    }

    private static void Copy(string source, string partial, CancellationToken cancellationToken)
    {
        using var from = Open(source, SqliteOpenMode.ReadOnly);
        using var to = Open(partial, SqliteOpenMode.ReadWriteCreate);
        var backup = SQLitePCL.raw.sqlite3_backup_init(to.Handle, "main", from.Handle, "main")
            ?? throw new IOException($"SQLite could not start a backup of {source}.");
        try
        {
            int result;
            do
            {
                cancellationToken.ThrowIfCancellationRequested();
                result = SQLitePCL.raw.sqlite3_backup_step(backup, 1024);
            }
            while (result is SQLitePCL.raw.SQLITE_OK or SQLitePCL.raw.SQLITE_BUSY or SQLitePCL.raw.SQLITE_LOCKED);

            if (result != SQLitePCL.raw.SQLITE_DONE)
            {
                throw new IOException($"SQLite's backup of {source} failed: {SQLitePCL.raw.sqlite3_errstr(result).utf8_to_string()}");
            }
        }
        finally
        {
            SQLitePCL.raw.sqlite3_backup_finish(backup);
        }

        // The copy inherits WAL mode from a live database; a backup should be one self-contained file.
        Execute(to, "PRAGMA journal_mode=DELETE");
    }

    /// <summary>
    /// A backup holds every run, log and audit entry: its folder (when this creates it) and the file are the service
    /// account's alone (0700 and 0600), whatever the umask. SQLite keeps the mode of a file it opens, so the file is
    /// made empty with that mode before the copy is written into it.
    /// </summary>
    private static void PrepareOwnerOnly(string folder, string partial)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            File.Delete(partial);
            return;
        }

        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.Delete(partial);
        using (File.Create(partial))
        {
        }

        File.SetUnixFileMode(partial, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>
    /// Opens <paramref name="path"/> read-only, runs <c>PRAGMA integrity_check</c> and counts the rows of every
    /// table. It does not throw on a damaged file: check <see cref="SqliteFacts.IsIntact"/>.
    /// </summary>
    public static Task<SqliteFacts> VerifySqlite(this StepContext ctx, string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"There is no SQLite database at {Path.GetFullPath(path)}.", path);
        }

        return Task.Run(
            () =>
            {
                using var connection = Open(path, SqliteOpenMode.ReadOnly);
                var problems = Column(connection, "PRAGMA integrity_check");
                var integrity = string.Join("; ", problems.Take(10));
                var intact = problems.Count == 1 && problems[0] == "ok";
                var tables = intact
                    ? Column(connection, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
                        .Select(name => new SqliteTableFacts(name, CountRows(connection, name)))
                        .ToArray()
                    : [];
                var facts = new SqliteFacts(intact, integrity, tables, new FileInfo(path).Length);
                ctx.Log($"{path}: integrity {integrity}; {tables.Length} tables, {facts.TotalRows} rows");
                return facts;
            },
            ctx.CancellationToken);
    }

    // Pooling off: a pooled connection keeps the file open after Dispose, which would block deleting or moving
    // the file (retention, the rename above) on Windows and keep a deleted backup's space held everywhere.
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

    private static List<string> Column(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private static long CountRows(SqliteConnection connection, string table)
    {
        using var command = connection.CreateCommand();

        // A table name cannot be a parameter; it comes from sqlite_schema and is quoted as an identifier.
        command.CommandText = $"SELECT COUNT(*) FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
        return (long)command.ExecuteScalar()!;
    }
}
