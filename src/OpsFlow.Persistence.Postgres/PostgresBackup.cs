using Microsoft.Extensions.Options;
using Npgsql;
using OpsFlow.Persistence.Backups;

namespace OpsFlow.Persistence.Postgres;

/// <summary>
/// PostgreSQL backups with Debian's client programs: pg_dump in its custom format, inside a snapshot the rows are
/// counted in too (so the manifest's counts are the dump's), checked with pg_restore --list, restored with pg_restore
/// in one transaction. The credentials go to the programs through libpq's environment, never their command line.
/// </summary>
internal sealed class PostgresBackup(IOptions<PostgresOptions> options) : IDatabaseBackup
{
    private const string TablesSql =
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name";

    public string Kind => "postgres";

    public string Extension => ".dump";

    private string ConnectionString => options.Value.ConnectionString;

    public async Task<BackupContents> WriteAsync(string target, Action<string> log, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        // pg_dump joins this transaction's snapshot: the rows counted here are the rows it writes.
        await using var snapshot = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, snapshot))
        {
            await readOnly.ExecuteNonQueryAsync(cancellationToken);
        }

        string snapshotId;
        await using (var export = new NpgsqlCommand("SELECT pg_export_snapshot()", connection, snapshot))
        {
            snapshotId = (string)(await export.ExecuteScalarAsync(cancellationToken))!;
        }

        var contents = await BackupTools.CountRowsAsync(connection, snapshot, TablesSql, Quote, cancellationToken);
        log($"dumping {contents.Rows.Count} tables, {contents.TotalRows} rows (pg_dump, custom format)");
        var (exit, _, errors) = await BackupTools.RunAsync(
            Program("pg_dump"),
            ["--format=custom", "--no-owner", "--no-privileges", $"--snapshot={snapshotId}", $"--file={target}"],
            Environment(),
            cancellationToken);
        if (exit != 0)
        {
            throw new BackupException($"pg_dump exited with code {exit}: {Tail(errors)}");
        }

        await snapshot.CommitAsync(cancellationToken);
        return contents;
    }

    public async Task VerifyAsync(string file, Action<string> log, CancellationToken cancellationToken)
    {
        var (exit, output, errors) = await BackupTools.RunAsync(Program("pg_restore"), ["--list", file], new Dictionary<string, string>(), cancellationToken);
        if (exit != 0)
        {
            throw new BackupException($"{file} is not a readable pg_dump archive: pg_restore --list exited with code {exit}: {Tail(errors)}");
        }

        var tables = output.Split('\n').Count(line => line.Contains(" TABLE DATA ", StringComparison.Ordinal));
        log($"pg_restore --list: {tables} tables with data");
    }

    public async Task<IReadOnlyList<string>> OtherUsersAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var sessions = new NpgsqlCommand(
            "SELECT pid, coalesce(application_name, ''), coalesce(client_addr::text, 'local'), backend_start FROM pg_stat_activity "
            + "WHERE datname = current_database() AND pid <> pg_backend_pid() ORDER BY backend_start",
            connection);
        var users = new List<string>();
        await using var reader = await sessions.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            users.Add($"session {reader.GetInt32(0)} {reader.GetString(1)} from {reader.GetString(2)} since {reader.GetFieldValue<DateTimeOffset>(3):u}");
        }

        return users;
    }

    public async Task<BackupContents> RestoreAsync(string file, Action<string> log, CancellationToken cancellationToken)
    {
        // One transaction: a restore that fails leaves the database as it was.
        var (exit, _, errors) = await BackupTools.RunAsync(
            Program("pg_restore"),
            ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", $"--dbname={Database()}", file],
            Environment(),
            cancellationToken);
        if (exit != 0)
        {
            throw new BackupException($"pg_restore exited with code {exit}; the database is as it was: {Tail(errors)}");
        }

        log("pg_restore: done");
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return await BackupTools.CountRowsAsync(connection, null, TablesSql, Quote, cancellationToken);
    }

    /// <summary>libpq's variables for the connection string's server, database and credentials.</summary>
    private Dictionary<string, string> Environment()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        var variables = new Dictionary<string, string>
        {
            ["PGHOST"] = builder.Host ?? "localhost",
            ["PGPORT"] = builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGDATABASE"] = Database(),
            ["PGSSLMODE"] = builder.SslMode.ToString().ToLowerInvariant() switch { "verifyca" => "verify-ca", "verifyfull" => "verify-full", var mode => mode },
        };
        if (builder.Username is { Length: > 0 } user)
        {
            variables["PGUSER"] = user;
        }

        if (builder.Password is { Length: > 0 } password)
        {
            variables["PGPASSWORD"] = password;
        }

        return variables;
    }

    private string Database() => new NpgsqlConnectionStringBuilder(ConnectionString).Database ?? throw new BackupException("ConnectionStrings:OpsFlow names no Database");

    /// <summary>The newest of Debian's /usr/lib/postgresql/&lt;version&gt;/bin (a dump needs a client at least as new as the server), else PATH's.</summary>
    private static string Program(string name)
    {
        var versioned = Directory.Exists("/usr/lib/postgresql")
            ? Directory.EnumerateDirectories("/usr/lib/postgresql")
                .Select(folder => (Version: int.TryParse(Path.GetFileName(folder), out var version) ? version : -1, Path: Path.Combine(folder, "bin", name)))
                .Where(candidate => candidate.Version >= 0 && File.Exists(candidate.Path))
                .OrderByDescending(candidate => candidate.Version)
                .Select(candidate => candidate.Path)
                .FirstOrDefault()
            : null;
        return versioned ?? name;
    }

    private static string Tail(string errors) => string.Join(" | ", errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(5));

    private static string Quote(string table) => "\"" + table.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
