using System.Data.Common;
using System.Diagnostics;

namespace OpsFlow.Persistence.Backups;

/// <summary>What the database kinds' backups share: running a client program, counting rows, owner-only files.</summary>
public static class BackupTools
{
    /// <summary>
    /// Runs <paramref name="program"/> with an argv list and <paramref name="environment"/> added (credentials go
    /// there, never on the command line, where ps shows them); stderr is kept for the error. Cancel kills it and waits.
    /// </summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(
        string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new BackupException($"could not start {program}: {ex.Message}. Is it installed (Debian: postgresql-client)?", ex);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using (cancellationToken.Register(() => Kill(process)))
        {
            await process.WaitForExitAsync(CancellationToken.None);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return (process.ExitCode, await output, await errors);
    }

    /// <summary>The rows of each table <paramref name="tablesSql"/> lists, on <paramref name="connection"/> (in its transaction, if any).</summary>
    public static async Task<BackupContents> CountRowsAsync(DbConnection connection, DbTransaction? transaction, string tablesSql, Func<string, string> quote, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(quote);
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.Transaction = transaction;
            list.CommandText = tablesSql;
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                tables.Add(reader.GetString(0));
            }
        }

        var rows = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            await using var count = connection.CreateCommand();
            count.Transaction = transaction;
            count.CommandText = $"SELECT COUNT(*) FROM {quote(table)}";
            rows[table] = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }

        return new BackupContents(rows);
    }

    /// <summary>
    /// Creates <paramref name="file"/> empty and readable by the service account only (0600), in a folder that is
    /// its alone when this creates it (0700): a backup holds every run, log and audit entry. Programs that write into
    /// an existing file keep its mode.
    /// </summary>
    public static void CreateOwnerOnly(string file)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            using (File.Create(file))
            {
            }

            return;
        }

        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using (File.Create(file))
        {
        }

        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public static void DeleteQuietly(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException)
        {
            // Retention or the next backup removes what is left.
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited already.
        }
    }
}
