using System.Net.Http.Json;
using OpsFlow.Testing;

namespace OpsFlow.Bench;

/// <summary>
/// Real OpsFlow host processes (tests/Shared/HostProcess.cs) sharing one PostgreSQL database, with the cluster settings
/// as shipped, driven over the HTTP API in development mode.
/// </summary>
internal sealed class ClusterHost : IDisposable
{
    private readonly HostProcess _process;
    private readonly HttpClient _http;

    private ClusterHost(HostProcess process)
    {
        _process = process;
        _http = new HttpClient { BaseAddress = process.Address, Timeout = TimeSpan.FromSeconds(60) };
        _http.DefaultRequestHeaders.Add("X-OpsFlow-User", "local-operator");
    }

    public int ProcessId => _process.ProcessId;

    public static async Task<ClusterHost> StartAsync(string name, string connectionString, string workflows, string? journal)
    {
        var settings = new Dictionary<string, string>
        {
            ["OpsFlow:Database:Provider"] = "Postgres",
            ["ConnectionStrings:OpsFlow"] = connectionString,
            ["OpsFlow:Cluster:HostId"] = name,
            ["OpsFlow:WorkflowsPath"] = workflows,
            ["OpsFlow:Scripts:Watch"] = "false",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        if (journal is not null)
        {
            settings["OpsFlow:WorkflowSettings:bench:journal"] = journal;
        }

        var process = HostProcess.Start(name, settings, line =>
        {
            if (line.StartsWith("stderr: ", StringComparison.Ordinal))
            {
                Console.Error.WriteLine($"{name}: {line}");
            }
        });
        var host = new ClusterHost(process);
        try
        {
            await process.WaitReadyAsync(TimeSpan.FromMinutes(2));
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return host;
    }

    /// <summary>Starts a run of the bench workflow over the API; returns its id.</summary>
    public async Task<string> StartRunAsync(int stepMilliseconds)
    {
        using var answer = await _http.PostAsJsonAsync("/api/runs", new { workflow = "bench", parameters = new Dictionary<string, string> { ["ms"] = stepMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
        answer.EnsureSuccessStatusCode();
        return answer.Headers.Location?.OriginalString.Split('/')[^1] ?? throw new InvalidOperationException("The API answered no run location.");
    }

    public void Kill() => _process.KillAsync().GetAwaiter().GetResult();

    public void Dispose()
    {
        _process.Dispose();
        _http.Dispose();
    }
}
