using System.Text;
using System.Text.Json.Nodes;
using OpsFlow.Testing;
using Xunit.Abstractions;

namespace OpsFlow.Bot.Tests.Cluster;

/// <summary>
/// Real OpsFlow host processes on the test's PostgreSQL database, in development mode (no Teams app id:
/// /api/messages takes unauthenticated activities), with short leases and check-ins so a failover takes seconds.
/// </summary>
public static class ClusterHost
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public static HostProcess Start(string name, string connectionString, string workflows, string journal, ITestOutputHelper output) =>
        HostProcess.Start(
            name,
            new Dictionary<string, string>
            {
                ["OpsFlow:Database:Provider"] = "Postgres",
                ["ConnectionStrings:OpsFlow"] = connectionString,
                ["OpsFlow:Cluster:HostId"] = name,
                ["OpsFlow:Cluster:CheckinInterval"] = "00:00:02",
                ["OpsFlow:Cluster:CheckinMisfireThreshold"] = "00:00:02",
                ["OpsFlow:Cluster:WatchInterval"] = "00:00:00.500",
                ["OpsFlow:Engine:LeaseDuration"] = "00:00:04",
                ["OpsFlow:Engine:LeaseRenewInterval"] = "00:00:01",
                ["OpsFlow:Teams:OrphanedActivityAfter"] = "00:00:05",
                ["OpsFlow:WorkflowsPath"] = workflows,
                ["OpsFlow:Scripts:Watch"] = "false",
                ["OpsFlow:WorkflowSettings:clustered:journal"] = journal,
                ["Serilog:MinimumLevel:Default"] = "Warning",
            },
            line => output.WriteLine($"{name}: {line}"));

    /// <summary>Posts an activity to /api/messages as the channel would; the host answers before it handles it.</summary>
    public static async Task SendAsync(this HostProcess host, JsonObject activity)
    {
        using var content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json");
        using var answer = await Http.PostAsync(new Uri(host.Address, "api/messages"), content);
        Assert.True(answer.IsSuccessStatusCode, $"{host.Name} answered {(int)answer.StatusCode} to activity {activity["id"]}");
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
}
