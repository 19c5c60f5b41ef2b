using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;

namespace OpsFlow.Bench;

/// <summary>
/// Real OpsFlow host processes (the OpsFlow.Bot assembly) sharing one PostgreSQL database, with the cluster settings
/// as shipped, driven over the HTTP API in development mode.
/// </summary>
internal sealed class ClusterHost : IDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;

    private readonly string _data;

    private ClusterHost(Process process, int port, string data)
    {
        _data = data;
        _process = process;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        _http.DefaultRequestHeaders.Add("X-OpsFlow-User", "local-operator");
    }

    public int ProcessId => _process.Id;

    public static async Task<ClusterHost> StartAsync(string name, string connectionString, string workflows, string? journal)
    {
        var port = FreePort();
        var data = Directory.CreateTempSubdirectory($"opsflow-bench-{name}-").FullName;
        List<string> arguments =
        [
            Path.Combine(AppContext.BaseDirectory, "OpsFlow.Bot.dll"),
            $"--Urls=http://127.0.0.1:{port}",
            "--OpsFlow:Database:Provider=Postgres",
            $"--ConnectionStrings:OpsFlow={connectionString}",
            $"--OpsFlow:Cluster:HostId={name}",
            "--OpsFlow:Playground:Enabled=false",
            $"--OpsFlow:WorkflowsPath={workflows}",
            $"--OpsFlow:Scripts:CachePath={Path.Combine(data, "script-cache")}",
            $"--OpsFlow:Scripts:DataPath={Path.Combine(data, "workflows")}",
            "--OpsFlow:Scripts:Watch=false",
            "--Serilog:MinimumLevel:Default=Warning",
        ];
        if (journal is not null)
        {
            arguments.Add($"--OpsFlow:WorkflowSettings:bench:journal={journal}");
        }

        var info = new ProcessStartInfo("dotnet", arguments) { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine($"{name}: {e.Data}"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new ClusterHost(process, port, data);
        await host.WaitReadyAsync(name);
        return host;
    }

    /// <summary>Starts a run of the bench workflow over the API; returns its id.</summary>
    public async Task<string> StartRunAsync(int stepMilliseconds)
    {
        using var answer = await _http.PostAsJsonAsync("/api/runs", new { workflow = "bench", parameters = new Dictionary<string, string> { ["ms"] = stepMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
        answer.EnsureSuccessStatusCode();
        return answer.Headers.Location?.OriginalString.Split('/')[^1] ?? throw new InvalidOperationException("The API answered no run location.");
    }

    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        _http.Dispose();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind is harmless.
        }
    }

    private async Task WaitReadyAsync(string name)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromMinutes(2))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Host {name} exited ({_process.ExitCode}) before it was ready.");
            }

            try
            {
                using var answer = await _http.GetAsync("/readyz");
                if (answer.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System);
        }

        throw new InvalidOperationException($"Host {name} was not ready within 2 minutes.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
