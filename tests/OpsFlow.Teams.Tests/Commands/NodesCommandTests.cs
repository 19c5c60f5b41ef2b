using OpsFlow.Teams.Commands;

namespace OpsFlow.Teams.Tests.Commands;

/// <summary>/nodes [tag…]: the inventory as chat shows it.</summary>
public sealed class NodesCommandTests
{
    private sealed class Listing(string? problem = null) : INodeListing
    {
        private static readonly NodeEntry[] All =
        [
            new("db-1", "10.0.0.21", "postgres", ["db", "prod"]),
            new("web-1", "10.0.0.11", "deploy", ["prod", "web"]),
            new("web-2", "10.0.0.12:2222", "deploy", ["prod", "web"]),
        ];

        public string? Problem { get; } = problem;

        public IReadOnlyList<NodeEntry> List(IReadOnlyList<string> tags) => All.Where(n => tags.All(n.Tags.Contains)).ToArray();
    }

    [Fact]
    public async Task Nodes_ByTag_ListsAddressUserAndTags_AndSaysWhenNoneMatch()
    {
        await using var chat = new ChatHarness(nodes: new Listing());

        await chat.SayAsync("/nodes web prod");
        var web = chat.LastText;
        await chat.SayAsync("/nodes cache");

        Assert.Equal("2 nodes tagged web and prod:\n- **web-1** deploy@10.0.0.11 · prod, web\n- **web-2** deploy@10.0.0.12:2222 · prod, web", web);
        Assert.Equal("No nodes tagged cache. /nodes without a tag lists them all.", chat.LastText);
    }

    [Fact]
    public async Task Nodes_WhenTheInventoryFileBroke_SaysSo_AndWithoutAnInventory_SaysHowToConfigureOne()
    {
        await using var broken = new ChatHarness(nodes: new Listing("hosts.ini:3: expected name=value, got 'x'"));
        await using var none = new ChatHarness();

        await broken.SayAsync("/nodes db");
        await none.SayAsync("/nodes");

        Assert.EndsWith("⚠ The inventory file was not read: hosts.ini:3: expected name=value, got 'x'. The nodes above are from before that change.", broken.LastText, StringComparison.Ordinal);
        Assert.Equal("This host has no node inventory: configure OpsFlow:Fleet (docs/fleet.md).", none.LastText);
    }
}
