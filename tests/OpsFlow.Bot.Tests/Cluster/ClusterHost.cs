using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace OpsFlow.Bot.Tests.Cluster;

/// <summary>
/// One real OpsFlow host process (the OpsFlow.Bot assembly, as deployed) on the test's PostgreSQL database, in
/// development mode (no Teams app id: /api/messages takes unauthenticated activities), with short leases and
/// check-ins so a failover takes seconds.
/// </summary>
public sealed class ClusterHost : IDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;

    private readonly string _data;

    private ClusterHost(string name, Process process, int port, string data)
    {
        _data = data;
        Name = name;
        _process = process;
        Port = port;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Name { get; }

    public int Port { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public static ClusterHost Start(string name, string connectionString, string workflows, string journal, ITestOutputHelper output)
    {
        var port = FreePort();
        var data = Directory.CreateTempSubdirectory($"opsflow-{name}-").FullName;
        string[] settings =
        [
            $"--Urls=http://127.0.0.1:{port}",
            "--OpsFlow:Database:Provider=Postgres",
            $"--ConnectionStrings:OpsFlow={connectionString}",
            $"--OpsFlow:Cluster:HostId={name}",
            "--OpsFlow:Cluster:CheckinInterval=00:00:02",
            "--OpsFlow:Cluster:CheckinMisfireThreshold=00:00:02",
            "--OpsFlow:Cluster:WatchInterval=00:00:00.500",
            "--OpsFlow:Engine:LeaseDuration=00:00:04",
            "--OpsFlow:Engine:LeaseRenewInterval=00:00:01",
            "--OpsFlow:Teams:OrphanedActivityAfter=00:00:05",
            "--OpsFlow:Playground:Enabled=false",
            $"--OpsFlow:WorkflowsPath={workflows}",
            $"--OpsFlow:Scripts:CachePath={Path.Combine(data, "script-cache")}",
            $"--OpsFlow:Scripts:DataPath={Path.Combine(data, "workflows")}",
            "--OpsFlow:Scripts:Watch=false",
            $"--OpsFlow:WorkflowSettings:clustered:journal={journal}",
            "--Serilog:MinimumLevel:Default=Warning",
        ];
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "OpsFlow.Bot.dll"), .. settings])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => Write(output, name, e.Data);
        process.ErrorDataReceived += (_, e) => Write(output, name, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ClusterHost(name, process, port, data);
    }

    /// <summary>Waits until /readyz answers 200: migrated, scheduler running, workflows loaded.</summary>
    public async Task WaitReadyAsync(TimeSpan within)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < within)
        {
            if (_process.HasExited)
            {
                throw new Xunit.Sdk.XunitException($"Host {Name} exited ({_process.ExitCode}) before it was ready; see the test output.");
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

        throw new Xunit.Sdk.XunitException($"Host {Name} was not ready within {within}.");
    }

    /// <summary>Posts an activity to /api/messages as the channel would; the host answers before it handles it.</summary>
    public async Task SendAsync(JsonObject activity)
    {
        using var answer = await _http.PostAsync("/api/messages", new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.True(answer.IsSuccessStatusCode, $"{Name} answered {(int)answer.StatusCode} to activity {activity["id"]}");
    }

    /// <summary>SIGKILL: the process gets no chance to stop its runs, release leases or tell Quartz.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
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

    /// <summary>A personal chat message: "/clustered" from an operator of the shipped appsettings.json.</summary>
    public static JsonObject StartMessage(string activityId, string conversation, string serviceUrl) => new()
    {
        ["type"] = "message",
        ["id"] = activityId,
        ["timestamp"] = "2026-11-26T10:00:00.000Z",
        ["serviceUrl"] = serviceUrl,
        ["channelId"] = "msteams",
        ["from"] = new JsonObject { ["id"] = "user-id-0", ["name"] = "Operator" },
        ["recipient"] = new JsonObject { ["id"] = "28:opsflow-bot", ["name"] = "OpsFlow" },
        ["conversation"] = new JsonObject { ["id"] = conversation, ["conversationType"] = "personal", ["tenantId"] = "tenant-ops" },
        ["text"] = "/clustered",
        ["textFormat"] = "plain",
    };

    private static void Write(ITestOutputHelper output, string name, string? line)
    {
        if (line is null)
        {
            return;
        }

        try
        {
            output.WriteLine($"{name}: {line}");
        }
        catch (InvalidOperationException)
        {
            // The test has finished; a late line from a dying host has nowhere to go.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
