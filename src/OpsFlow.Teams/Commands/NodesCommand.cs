using System.Text;

namespace OpsFlow.Teams.Commands;

/// <summary>A node as /nodes lists it.</summary>
public sealed record NodeEntry(string Name, string Address, string User, IReadOnlyList<string> Tags);

/// <summary>The nodes the host knows (issue 22), for /nodes; the host plugs its inventory in.</summary>
public interface INodeListing
{
    IReadOnlyList<NodeEntry> List(IReadOnlyList<string> tags);

    /// <summary>Why the inventory file was not read the last time it changed, or null.</summary>
    string? Problem { get; }
}

/// <summary>/nodes [tag…]: the inventory's nodes with every tag given, with address, user and tags.</summary>
internal sealed class NodesCommand(IEnumerable<INodeListing> listings, ChatReplies replies) : IChatCommand
{
    private const int Shown = 50;

    public string Name => "nodes";

    public string Usage => "/nodes [tag…]";

    public string Summary => "the nodes workflows can act on, by tag";

    public async Task RunAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (listings.LastOrDefault() is not { } listing)
        {
            await replies.TextAsync(context.Turn, "This host has no node inventory: configure OpsFlow:Fleet (docs/fleet.md).", cancellationToken);
            return;
        }

        var tags = context.Arguments;
        var nodes = listing.List(tags);
        var text = new StringBuilder();
        var which = tags.Count == 0 ? "" : $" tagged {string.Join(" and ", tags)}";
        text.Append(nodes.Count switch
        {
            0 => $"No nodes{which}. /nodes without a tag lists them all.",
            1 => $"1 node{which}:",
            _ => $"{nodes.Count} nodes{which}:",
        });
        foreach (var node in nodes.Take(Shown))
        {
            text.Append("\n- **").Append(node.Name).Append("** ").Append(node.User).Append('@').Append(node.Address);
            if (node.Tags.Count > 0)
            {
                text.Append(" · ").Append(string.Join(", ", node.Tags));
            }
        }

        if (nodes.Count > Shown)
        {
            text.Append($"\n… and {nodes.Count - Shown} more; name a tag to narrow the list, or see the dashboard.");
        }

        if (listing.Problem is { } problem)
        {
            text.Append($"\n\n⚠ The inventory file was not read: {problem}. The nodes above are from before that change.");
        }

        await replies.TextAsync(context.Turn, text.ToString(), cancellationToken);
    }
}
