using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace OpsFlow.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster for the tests: initdb into a temporary folder and pg_ctl start on a free port on
/// 127.0.0.1, once per test process (about 2 s), stopped and deleted when the process exits. Each test takes a
/// database of its own. The server binaries come from Debian's postgresql package (.ci/run installs it); without them
/// every test that needs the server fails with a message saying so, never skips.
/// </summary>
public sealed class PostgresServer
{
    private static readonly Lazy<Task<PostgresServer>> Shared = new(() => StartAsync(durable: false));

    private readonly string _bin;
    private readonly bool _asPostgresUser;

    private PostgresServer(string bin, string folder, int port, bool asPostgresUser)
    {
        _bin = bin;
        Folder = folder;
        Port = port;
        _asPostgresUser = asPostgresUser;
    }

    public int Port { get; }

    public string Folder { get; }

    /// <summary>The one server of this test process, started on first use.</summary>
    public static Task<PostgresServer> SharedAsync() => Shared.Value;

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=opsflow;Database={database};Maximum Pool Size=40;Timeout=30;Command Timeout=60";

    /// <summary>A new, empty database; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "t")
    {
        var name = $"{prefix}_{Guid.NewGuid():n}"[..Math.Min(prefix.Length + 33, 63)];
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var create = connection.CreateCommand();
        create.CommandText = $"CREATE DATABASE \"{name}\"";
        await create.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>
    /// Starts a cluster of its own. <paramref name="durable"/> keeps fsync on (benchmarks); tests turn it off, since a
    /// test database never has to survive the machine.
    /// </summary>
    public static async Task<PostgresServer> StartAsync(bool durable)
    {
        var bin = FindBinaries();
        DeleteLeftovers();
        var asPostgres = Environment.IsPrivilegedProcess;
        var folder = Path.Combine(Path.GetTempPath(), $"opsflow-pg-{Guid.NewGuid():n}");
        var port = FreePort();
        var server = new PostgresServer(bin, folder, port, asPostgres);
        await server.RunAsync("initdb", $"-D {folder} -U opsflow -A trust -E UTF8 --no-sync --no-instructions");
        var settings = $"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=400 -c shared_buffers=64MB"
            + (durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        await server.RunAsync("pg_ctl", $"-D {folder} -l {folder}/server.log -w -t 60 -o \"{settings}\" start");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        return server;
    }

    /// <summary>Stops the server at once and deletes its files.</summary>
    public void Stop()
    {
        // One child process stops the server and deletes its folder: at process exit the test host may be torn down
        // before it could do the second itself, but its child goes on.
        var pgCtl = Path.Combine(_bin, "pg_ctl");
        var script = $"{pgCtl} -D {Folder} -m immediate -w stop >/dev/null 2>&1; rm -rf {Folder}";
        var start = _asPostgresUser
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", "sh", "-c", script])
            : new ProcessStartInfo("sh", ["-c", script]);
        try
        {
            using var process = Process.Start(start);
            process?.WaitForExit(TimeSpan.FromSeconds(30));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No shell to run it: the next test process deletes the folder (DeleteLeftovers).
        }
    }

    private async Task RunAsync(string tool, string arguments)
    {
        var path = Path.Combine(_bin, tool);
        // PostgreSQL refuses to run as root; the Debian package brings the postgres user for it.
        var start = _asPostgresUser
            ? new ProcessStartInfo("runuser", $"-u postgres -- {path} {arguments}")
            : new ProcessStartInfo(path, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {tool}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            var log = File.Exists(Path.Combine(Folder, "server.log")) ? await File.ReadAllTextAsync(Path.Combine(Folder, "server.log")) : "";
            throw new InvalidOperationException($"{tool} {arguments} failed ({process.ExitCode}): {await output}{await error}{log}");
        }
    }

    /// <summary>
    /// Folders of earlier test processes whose server is gone (no postmaster.pid) are deleted here: a test host that
    /// is torn down at once after its tests may stop its server without getting to delete the folder. Only folders
    /// left alone for a while, so a parallel test process's fresh one is never touched.
    /// </summary>
    private static void DeleteLeftovers()
    {
        var cutoff = TimeProvider.System.GetUtcNow().UtcDateTime - TimeSpan.FromMinutes(10);
        foreach (var folder in Directory.GetDirectories(Path.GetTempPath(), "opsflow-pg-*"))
        {
            try
            {
                if (!File.Exists(Path.Combine(folder, "postmaster.pid")) && Directory.GetLastWriteTimeUtc(folder) < cutoff)
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Someone else's, or in use: left as it is.
            }
        }
    }

    private static string FindBinaries()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("OPSFLOW_PG_BIN") is { Length: > 0 } configured)
        {
            candidates.Add(configured);
        }

        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(VersionOf).Select(d => Path.Combine(d, "bin")));
        }

        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries));
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
            ?? throw new InvalidOperationException(
                "The PostgreSQL tests need the server binaries (initdb, pg_ctl), and none were found in /usr/lib/postgresql/*/bin, "
                + "on PATH or in OPSFLOW_PG_BIN. Install them: apt-get install -y postgresql (.ci/run does).");
    }

    private static int VersionOf(string folder) => int.TryParse(Path.GetFileName(folder), out var version) ? version : 0;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
