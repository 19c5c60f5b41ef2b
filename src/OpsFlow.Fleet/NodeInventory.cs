using Microsoft.Extensions.Logging;
using OpsFlow.Scripting.Api;

namespace OpsFlow.Fleet;

/// <summary>
/// The nodes: those configuration names, then those of the Ansible inventory file (a node in both is the
/// configuration's). The file is read again when its time or size changes, looked at on each read; a file that no
/// longer parses keeps the last good nodes, and the error is logged and shown by <see cref="Problem"/>.
/// </summary>
public sealed partial class NodeInventory(FleetOptions options, ILogger<NodeInventory> logger)
{
    private readonly Lock _gate = new();
    private (DateTime Written, long Length)? _seen;
    private IReadOnlyList<Node> _fromFile = [];

    /// <summary>Why the inventory file was not read, the last time it changed; null when it was.</summary>
    public string? Problem { get; private set; }

    public string DefaultUser => options.DefaultUser ?? Environment.UserName;

    public IReadOnlyList<Node> All()
    {
        var configured = options.Nodes
            .Select(n => new Node(
                n.Key,
                n.Value.Host ?? n.Key,
                n.Value.Port ?? 22,
                n.Value.User ?? DefaultUser,
                n.Value.Tags.Order(StringComparer.Ordinal).ToArray(),
                new Dictionary<string, string>(n.Value.Vars, StringComparer.Ordinal)))
            .ToList();
        var names = configured.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        return [.. configured.Concat(FromFile().Where(n => !names.Contains(n.Name))).OrderBy(n => n.Name, StringComparer.Ordinal)];
    }

    /// <summary>The nodes that carry every tag given; all nodes for none.</summary>
    public IReadOnlyList<Node> Select(IReadOnlyList<string> tags) =>
        All().Where(n => tags.All(t => n.Tags.Contains(t, StringComparer.Ordinal))).ToArray();

    public Node? Find(string name) => All().FirstOrDefault(n => string.Equals(n.Name, name, StringComparison.Ordinal));

    /// <summary>The configuration of a node named there, for its secrets; null for nodes from the file.</summary>
    internal NodeOptions? Options(string name) => options.Nodes.GetValueOrDefault(name);

    private IReadOnlyList<Node> FromFile()
    {
        if (options.InventoryPath is not { } path)
        {
            return [];
        }

        lock (_gate)
        {
            var info = new FileInfo(path);
            var now = info.Exists ? (info.LastWriteTimeUtc, info.Length) : ((DateTime, long)?)null;
            if (now == _seen)
            {
                return _fromFile;
            }

            _seen = now;
            if (now is null)
            {
                Problem = $"the inventory file {path} does not exist";
                LogInventoryProblem(logger, path, Problem);
                return _fromFile;
            }

            try
            {
                _fromFile = AnsibleInventory.Parse(File.ReadAllText(path), Path.GetFileName(path), 22, DefaultUser);
                Problem = null;
                LogInventoryRead(logger, path, _fromFile.Count);
            }
            catch (Exception ex) when (ex is InventoryException or IOException or UnauthorizedAccessException)
            {
                Problem = ex.Message;
                LogInventoryProblem(logger, path, ex.Message);
            }

            return _fromFile;
        }
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Read {Count} nodes from the inventory file {Path}")]
    private static partial void LogInventoryRead(ILogger logger, string path, int count);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Error, Message = "The inventory file {Path} was not read ({Problem}); the nodes read from it before stay")]
    private static partial void LogInventoryProblem(ILogger logger, string path, string problem);
}
