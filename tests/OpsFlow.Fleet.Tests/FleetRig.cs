using Microsoft.Extensions.Logging.Abstractions;
using OpsFlow.Engine.Ports;
using OpsFlow.Scripting.Api;

namespace OpsFlow.Fleet.Tests;

/// <summary>An <see cref="SshFleet"/> over real sshd nodes, each tagged "web", with its folder as the var "root".</summary>
public sealed class FleetRig : IAsyncDisposable
{
    private FleetRig(SshdNodes nodes, SshFleet fleet, NodeInventory inventory)
    {
        Sshd = nodes;
        Fleet = fleet;
        Inventory = inventory;
    }

    public SshdNodes Sshd { get; }

    public SshFleet Fleet { get; }

    public NodeInventory Inventory { get; }

    public static Task<FleetRig> StartAsync(params string[] names) => StartAsync(names, configure: null);

    /// <summary>Starts the nodes; <paramref name="configure"/> adds each node's own tags and vars to the defaults.</summary>
    public static async Task<FleetRig> StartAsync(string[] names, Action<SshdNode, NodeOptions>? configure)
    {
        var sshd = await SshdNodes.StartAsync(names);
        var options = new FleetOptions { KnownHostsPath = sshd.KnownHostsPath };
        foreach (var node in sshd.Nodes)
        {
            Add(options, node);
            configure?.Invoke(node, options.Nodes[node.Name]);
        }

        var inventory = new NodeInventory(options, NullLogger<NodeInventory>.Instance);
        return new FleetRig(sshd, new SshFleet(inventory, options, new KeySecrets(sshd.ClientKey)), inventory);
    }

    /// <summary>Names a node in the fleet's configuration (tag web, var root = its folder).</summary>
    public static void Add(FleetOptions options, SshdNode node) =>
        options.Nodes[node.Name] = new NodeOptions
        {
            Host = "127.0.0.1",
            Port = node.Port,
            User = SshdNodes.User,
            Tags = ["web"],
            Vars = new Dictionary<string, string> { ["root"] = node.Folder },
        };

    public Node Node(string name) => Inventory.Find(name) ?? throw new InvalidOperationException($"No node {name}.");

    /// <summary>Runs a command; returns its exit code and the lines it printed (stdout, then stderr).</summary>
    public async Task<(int Code, List<string> Output, List<string> Errors)> RunAsync(string node, IReadOnlyList<string> command, CancellationToken cancellationToken = default)
    {
        var output = new List<string>();
        var errors = new List<string>();
        var code = await Fleet.RunAsync(Node(node), command, l => { lock (output) { output.Add(l); } }, l => { lock (errors) { errors.Add(l); } }, cancellationToken);
        return (code, output, errors);
    }

    public async ValueTask DisposeAsync()
    {
        Fleet.Dispose();
        await Sshd.DisposeAsync();
    }

    /// <summary>The client key as the one secret, as OpsFlow:Secrets:ssh-key would hold it.</summary>
    public sealed class KeySecrets(string key) : ISecretSource
    {
        public IReadOnlyCollection<string> Values => [key];

        public bool TryGet(string name, out string value)
        {
            value = name == "ssh-key" ? key : "";
            return value.Length > 0;
        }
    }
}
