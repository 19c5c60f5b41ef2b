namespace OpsFlow.Scripting.Api;

/// <summary>
/// A host the workflows may act on (issue 22), from the node inventory: configuration (OpsFlow:Fleet:Nodes) and an
/// Ansible inventory file. <see cref="Tags"/> are its groups and labels; <see cref="Vars"/> its host variables.
/// </summary>
public sealed record Node(string Name, string Host, int Port, string User, IReadOnlyList<string> Tags, IReadOnlyDictionary<string, string> Vars)
{
    /// <summary>A host variable (Ansible's hostvars), or <paramref name="fallback"/>.</summary>
    public string? Var(string name, string? fallback = null) => Vars.TryGetValue(name, out var value) ? value : fallback;

    public override string ToString() => Name;
}

/// <summary>What a command on a node returned. <see cref="Output"/> keeps the last 64 KiB of stdout.</summary>
public sealed record RemoteResult(string Node, int ExitCode, string Output, string Errors);

/// <summary>A remote command exited with a code the step did not accept, or the node could not be reached.</summary>
public class RemoteCommandException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The node was not reached, so nothing ran on it: it is down, its host key was refused, or it refused the login. A
/// rollout marks such a node unreachable rather than failed, and its rollback leaves it alone.
/// </summary>
public sealed class NodeUnreachableException(string message, Exception? inner = null) : RemoteCommandException(message, inner);

/// <summary>
/// The port the script API uses to reach nodes; OpsFlow.Fleet implements it over SSH. A host without nodes configured
/// has <see cref="NoFleet"/>: every selection is empty.
/// </summary>
public interface IFleet
{
    /// <summary>The nodes that carry every tag given (all nodes for none), ordered by name; read at each call, so an edited inventory counts.</summary>
    IReadOnlyList<Node> Select(IReadOnlyList<string> tags);

    /// <summary>
    /// Runs <paramref name="command"/> (an argv list, quoted for the remote shell here, never a string someone built) on
    /// <paramref name="node"/>; stdout and stderr lines go to the callbacks as they come. Cancel ends the remote command.
    /// </summary>
    Task<int> RunAsync(Node node, IReadOnlyList<string> command, Action<string> output, Action<string> errors, CancellationToken cancellationToken);

    /// <summary>Copies a local file to <paramref name="remotePath"/> on the node (SFTP), replacing what is there.</summary>
    Task UploadAsync(Node node, string localPath, string remotePath, CancellationToken cancellationToken);
}

/// <summary>No nodes: a host whose configuration names none.</summary>
public sealed class NoFleet : IFleet
{
    public static NoFleet Instance { get; } = new();

    public IReadOnlyList<Node> Select(IReadOnlyList<string> tags) => [];

    public Task<int> RunAsync(Node node, IReadOnlyList<string> command, Action<string> output, Action<string> errors, CancellationToken cancellationToken) =>
        throw new RemoteCommandException($"No nodes are configured on this host, so '{node.Name}' cannot be reached; see docs/fleet.md.");

    public Task UploadAsync(Node node, string localPath, string remotePath, CancellationToken cancellationToken) =>
        throw new RemoteCommandException($"No nodes are configured on this host, so '{node.Name}' cannot be reached; see docs/fleet.md.");
}
