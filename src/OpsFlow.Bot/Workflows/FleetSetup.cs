using OpsFlow.Fleet;
using OpsFlow.Teams.Commands;

namespace OpsFlow.Bot.Workflows;

/// <summary>The nodes and SSH for the scripts (OpsFlow.Fleet), listed by /nodes and GET /api/nodes.</summary>
internal static class FleetSetup
{
    public static IServiceCollection AddOpsFlowNodes(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOpsFlowFleet(configuration);
        services.AddSingleton<INodeListing, InventoryListing>();
        return services;
    }

    private sealed class InventoryListing(NodeInventory inventory) : INodeListing
    {
        public string? Problem => inventory.Problem;

        public IReadOnlyList<NodeEntry> List(IReadOnlyList<string> tags) =>
            inventory.Select(tags).Select(n => new NodeEntry(n.Name, n.Port == 22 ? n.Host : $"{n.Host}:{n.Port}", n.User, n.Tags)).ToArray();
    }
}
