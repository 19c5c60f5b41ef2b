using System.Net;
using Microsoft.AspNetCore.Hosting;

namespace OpsFlow.Bot.Tests;

/// <summary>A host with one node in configuration and an Ansible inventory file of its own.</summary>
public sealed class InventoryFactory : OpsFlowFactory
{
    public string InventoryPath { get; } = Path.Combine(Path.GetTempPath(), $"opsflow-inventory-{Guid.NewGuid():n}.ini");

    public InventoryFactory() =>
        File.WriteAllText(InventoryPath, "[web]\nweb-2 ansible_host=10.0.0.12 ansible_user=deploy\n[db]\ndb-1 ansible_host=10.0.0.21\n");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("OpsFlow:Fleet:InventoryPath", InventoryPath);
        builder.UseSetting("OpsFlow:Fleet:DefaultUser", "opsflow");
        builder.UseSetting("OpsFlow:Fleet:Nodes:web-1:Host", "10.0.0.11");
        builder.UseSetting("OpsFlow:Fleet:Nodes:web-1:Port", "2222");
        builder.UseSetting("OpsFlow:Fleet:Nodes:web-1:Tags:0", "web");
    }

    protected override void Dispose(bool disposing)
    {
        File.Delete(InventoryPath);
        base.Dispose(disposing);
    }
}

/// <summary>GET /api/nodes: configuration and inventory file together, by tag, read again when the file changes.</summary>
public sealed class NodesApiTests(InventoryFactory factory) : IClassFixture<InventoryFactory>
{
    private readonly ApiClient _api = new(factory.CreateClient(), factory.RunChanged);

    [Fact]
    public async Task Nodes_ByTag_FromConfigurationAndTheInventoryFile_FollowTheFilesChanges()
    {
        var (status, web) = await _api.GetAsync("/api/nodes?tag=web", "victor");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["web-1 opsflow@10.0.0.11:2222", "web-2 deploy@10.0.0.12:22"], Describe(web));

        // Another size, so the change is seen even within the file system's time resolution.
        await File.WriteAllTextAsync(factory.InventoryPath, "[web]\nweb-3 ansible_host=10.0.0.13\n");
        var (_, edited) = await _api.GetAsync("/api/nodes?tag=web", "victor");
        Assert.Equal(["web-1 opsflow@10.0.0.11:2222", "web-3 opsflow@10.0.0.13:22"], Describe(edited));

        await File.WriteAllTextAsync(factory.InventoryPath, "[web\nweb-4\n");
        var (_, broken) = await _api.GetAsync("/api/nodes", "victor");
        Assert.Equal(["web-1 opsflow@10.0.0.11:2222", "web-3 opsflow@10.0.0.13:22"], Describe(broken));
        Assert.StartsWith($"{Path.GetFileName(factory.InventoryPath)}:1: a section header is [group]", broken.GetProperty("inventoryProblem").GetString(), StringComparison.Ordinal);
    }

    private static string[] Describe(System.Text.Json.JsonElement answer) =>
        answer.GetProperty("nodes").EnumerateArray()
            .Select(n => $"{n.GetProperty("name").GetString()} {n.GetProperty("user").GetString()}@{n.GetProperty("host").GetString()}:{n.GetProperty("port").GetInt32()}")
            .ToArray();
}
