using OpsFlow.Fleet;

namespace OpsFlow.Bot.Api;

/// <summary>GET /api/nodes: the node inventory, filtered by tags (every one given), for the dashboard and scripts' authors.</summary>
internal static class NodeEndpoints
{
    public static void MapNodeEndpoints(this RouteGroupBuilder api) =>
        api.MapGet("/nodes", (string[]? tag, NodeInventory inventory) =>
        {
            var nodes = inventory.Select(tag ?? []);
            return Results.Ok(new
            {
                nodes = nodes.Select(n => new { name = n.Name, host = n.Host, port = n.Port, user = n.User, tags = n.Tags, vars = n.Vars }),
                inventoryProblem = inventory.Problem,
            });
        });
}
