using System.Collections.Concurrent;
using System.Text;
using OpsFlow.Engine.Ports;
using OpsFlow.Scripting.Api;
using Renci.SshNet;

namespace OpsFlow.Fleet;

/// <summary>
/// The script API's <see cref="IFleet"/> over SSH (SSH.NET): nodes from the <see cref="NodeInventory"/>, one pooled
/// connection per node, host keys checked against the known-hosts file, private keys (or passwords) from
/// OpsFlow:Secrets, never from the inventory. What the commands print reaches the step log, where secrets are masked.
/// </summary>
public sealed class SshFleet(NodeInventory inventory, FleetOptions options, ISecretSource secrets) : IFleet, IDisposable
{
    private readonly ConcurrentDictionary<string, NodeConnection> _connections = new(StringComparer.Ordinal);

    public KnownHosts KnownHosts { get; } = new(options.KnownHostsPath
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh", "known_hosts"));

    public IReadOnlyList<Node> Select(IReadOnlyList<string> tags) => inventory.Select(tags);

    public Task<int> RunAsync(Node node, IReadOnlyList<string> command, Action<string> output, Action<string> errors, CancellationToken cancellationToken) =>
        Connection(node).RunAsync(RemoteShell.Command(command), output, errors, cancellationToken);

    public Task UploadAsync(Node node, string localPath, string remotePath, CancellationToken cancellationToken) =>
        Connection(node).UploadAsync(localPath, remotePath, cancellationToken);

    public void Dispose()
    {
        foreach (var connection in _connections.Values)
        {
            connection.Dispose();
        }
    }

    // Keyed by where and as whom: an inventory edit that moves a node gets a new connection.
    private NodeConnection Connection(Node node) =>
        _connections.GetOrAdd($"{node.Name}|{node.User}@{node.Host}:{node.Port}", _ => new NodeConnection(node, () => Info(node), KnownHosts, options.MaxSessionsPerNode));

    private ConnectionInfo Info(Node node)
    {
        var configured = inventory.Options(node.Name);
        var methods = new List<AuthenticationMethod>();
        var keySecret = configured?.KeySecret ?? node.Var("opsflow_key_secret") ?? options.KeySecret;
        if (secrets.TryGet(keySecret, out var key))
        {
            methods.Add(new PrivateKeyAuthenticationMethod(node.User, new PrivateKeyFile(new MemoryStream(Encoding.UTF8.GetBytes(key)))));
        }

        var passwordSecret = configured?.PasswordSecret ?? node.Var("opsflow_password_secret");
        if (passwordSecret is not null && secrets.TryGet(passwordSecret, out var password))
        {
            methods.Add(new PasswordAuthenticationMethod(node.User, password));
        }

        if (methods.Count == 0)
        {
            throw new NodeUnreachableException(
                $"[{node.Name}] no private key to log in with: set the secret OpsFlow:Secrets:{keySecret} to the key's text (OpenSSH format), "
                + "or name another secret in the node's KeySecret (configuration) or opsflow_key_secret (inventory).");
        }

        var info = new ConnectionInfo(node.Host, node.Port, node.User, [.. methods]) { Timeout = options.ConnectTimeout };
        Prefer(info.KeyExchangeAlgorithms, options.KeyExchange);
        return info;
    }

    /// <summary>Keeps only the <paramref name="preferred"/> algorithms, in that order (the client's order is its preference).</summary>
    internal static void Prefer<T>(IDictionary<string, T> offered, IReadOnlyList<string> preferred)
    {
        if (preferred.Count == 0)
        {
            return;
        }

        var known = offered.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
        // Emptied first: a dictionary re-filled from empty enumerates in the order of the adds.
        offered.Clear();
        foreach (var name in preferred.Where(known.ContainsKey))
        {
            offered[name] = known[name];
        }
    }

    /// <summary>The key exchange algorithms this build of SSH.NET can offer, in its own order of preference.</summary>
    internal static IReadOnlyList<string> KnownKeyExchanges() =>
        [.. new ConnectionInfo("localhost", "nobody", new NoneAuthenticationMethod("nobody")).KeyExchangeAlgorithms.Keys];
}
