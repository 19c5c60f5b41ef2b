namespace OpsFlow.Scripting.Api.Testing;

/// <summary>A command a step ran on a node, or a file it uploaded there.</summary>
public sealed record RemoteCall(string Node, IReadOnlyList<string> Command)
{
    public override string ToString() => $"[{Node}] {ProcessHelpers.CommandLine(Command[0], Command.Skip(1))}";
}

/// <summary>A file a step uploaded to a node.</summary>
public sealed record RemoteUpload(string Node, string LocalPath, string RemotePath);

/// <summary>
/// The nodes of <c>opsflow test</c>: declared by the test (<see cref="Add"/>), reached by no network. Commands answer
/// as declared on the node (<see cref="FakeNode.OnRun"/>) or on every node (<see cref="OnRun"/>); a node marked
/// <see cref="FakeNode.Down"/> is unreachable, as one whose SSH port does not answer.
/// </summary>
public sealed class FakeFleet : IFleet
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, FakeNode> _nodes = new(StringComparer.Ordinal);
    private readonly List<CommandRule> _everywhere = [];
    private readonly List<RemoteCall> _calls = [];
    private readonly List<RemoteUpload> _uploads = [];

    /// <summary>Adds a node (address <c>&lt;name&gt;.test</c>, port 22, user deploy) carrying <paramref name="tags"/>.</summary>
    public FakeNode Add(string name, params string[] tags)
    {
        var node = new FakeNode(new Node(name, name + ".test", 22, "deploy", tags, new Dictionary<string, string>()));
        lock (_gate)
        {
            if (!_nodes.TryAdd(name, node))
            {
                throw new ArgumentException($"the test declares node '{name}' twice", nameof(name));
            }
        }

        return node;
    }

    /// <summary>A node the test added.</summary>
    public FakeNode this[string name]
    {
        get
        {
            lock (_gate)
            {
                return _nodes.TryGetValue(name, out var node) ? node : throw new KeyNotFoundException($"the test declares no node '{name}'; add it with t.Nodes.Add(\"{name}\", tags...)");
            }
        }
    }

    /// <summary>Declares what a command beginning with <paramref name="commandStart"/> does on every node (a node's own rule wins).</summary>
    public CommandRule OnRun(params string[] commandStart)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(commandStart.Length, 1);
        var rule = new CommandRule(commandStart[0], commandStart[1..]);
        lock (_gate)
        {
            _everywhere.Add(rule);
        }

        return rule;
    }

    /// <summary>Every command run on a node, in order.</summary>
    public IReadOnlyList<RemoteCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Every upload, in order.</summary>
    public IReadOnlyList<RemoteUpload> Uploads
    {
        get
        {
            lock (_gate)
            {
                return [.. _uploads];
            }
        }
    }

    /// <summary>The names of the nodes that ran a command beginning with <paramref name="commandStart"/>, in order of their first such call.</summary>
    public IReadOnlyList<string> NodesThatRan(params string[] commandStart)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(commandStart.Length, 1);
        var probe = new CommandRule(commandStart[0], commandStart[1..]);
        return [.. Calls.Where(c => probe.Matches(AsCall(c.Command))).Select(c => c.Node).Distinct()];
    }

    public IReadOnlyList<Node> Select(IReadOnlyList<string> tags)
    {
        lock (_gate)
        {
            return [.. _nodes.Values.Select(n => n.Node).Where(n => tags.All(t => n.Tags.Contains(t, StringComparer.OrdinalIgnoreCase))).OrderBy(n => n.Name, StringComparer.Ordinal)];
        }
    }

    public Task<int> RunAsync(Node node, IReadOnlyList<string> command, Action<string> output, Action<string> errors, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var fake = Reach(node);
        var call = AsCall(command);
        CommandRule? rule;
        lock (_gate)
        {
            _calls.Add(new RemoteCall(node.Name, command));
            rule = fake.Rules.LastOrDefault(r => r.Matches(call)) ?? _everywhere.LastOrDefault(r => r.Matches(call));
        }

        return Task.FromResult(rule is null
            ? CommandRule.NotFaked(call, $"on node {node.Name}", $"t.Nodes.OnRun(\"{command[0]}\").Exits(0)", errors)
            : rule.Answer(call, output, errors));
    }

    public Task UploadAsync(Node node, string localPath, string remotePath, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Reach(node);
        if (!File.Exists(localPath))
        {
            throw new RemoteCommandException($"[{node.Name}] upload: no file at {localPath}");
        }

        lock (_gate)
        {
            _uploads.Add(new RemoteUpload(node.Name, localPath, remotePath));
        }

        return Task.CompletedTask;
    }

    private FakeNode Reach(Node node)
    {
        FakeNode? fake;
        lock (_gate)
        {
            _nodes.TryGetValue(node.Name, out fake);
        }

        if (fake is null)
        {
            throw new NodeUnreachableException($"{node.Name}: the test declares no such node");
        }

        if (fake.IsDown)
        {
            throw new NodeUnreachableException($"{node.Name}: connection refused ({node.Host}:{node.Port}, down in the test)");
        }

        return fake;
    }

    private static ProcessCall AsCall(IReadOnlyList<string> command) => new(command[0], [.. command.Skip(1)]);
}

/// <summary>A node of a <see cref="FakeFleet"/>.</summary>
public sealed class FakeNode
{
    private readonly Lock _gate = new();
    private readonly List<CommandRule> _rules = [];
    private volatile bool _down;

    internal FakeNode(Node node) => Node = node;

    public Node Node { get; private set; }

    public bool IsDown => _down;

    internal IReadOnlyList<CommandRule> Rules
    {
        get
        {
            lock (_gate)
            {
                return [.. _rules];
            }
        }
    }

    /// <summary>Declares what a command beginning with <paramref name="commandStart"/> does on this node.</summary>
    public CommandRule OnRun(params string[] commandStart)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(commandStart.Length, 1);
        var rule = new CommandRule(commandStart[0], commandStart[1..]);
        lock (_gate)
        {
            _rules.Add(rule);
        }

        return rule;
    }

    /// <summary>From now on the node cannot be reached.</summary>
    public FakeNode Down()
    {
        _down = true;
        return this;
    }

    /// <summary>Reachable again.</summary>
    public FakeNode Up()
    {
        _down = false;
        return this;
    }

    /// <summary>Sets a variable of the node (an inventory host var, read with <c>node.Var(name)</c>).</summary>
    public FakeNode Var(string name, string value)
    {
        Node = Node with { Vars = new Dictionary<string, string>(Node.Vars) { [name] = value } };
        return this;
    }
}
