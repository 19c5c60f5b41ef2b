namespace OpsFlow.Scripting.Api.Testing;

/// <summary>
/// One test (<c>t</c> in a test body): declare the world first (settings, secrets, what programs, URLs and nodes
/// answer), then start runs, decide approvals, move the clock and check. The world is fixed at the first start: the
/// OpsFlow the test drives is built from it then.
/// </summary>
public sealed class WorkflowTest
{
    private readonly Func<TestWorld, CancellationToken, Task<IWorkflowTestHost>> _hostFactory;
    private readonly Dictionary<string, string?> _settings = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _secrets = new(StringComparer.Ordinal);
    private readonly List<TestRun> _runs = [];
    private IWorkflowTestHost? _host;

    public WorkflowTest(string name, string dataDirectory, Func<TestWorld, CancellationToken, Task<IWorkflowTestHost>> hostFactory, CancellationToken cancellationToken)
    {
        Name = name;
        DataDirectory = dataDirectory;
        _hostFactory = hostFactory;
        CancellationToken = cancellationToken;
    }

    public string Name { get; }

    /// <summary>The programs and URLs of the machine the steps run on.</summary>
    public FakeMachine Machine { get; } = new();

    /// <summary>The nodes scripts select with <c>Nodes(tags)</c>.</summary>
    public FakeFleet Nodes { get; } = new();

    /// <summary>The scripts' data folder (empty at the start of each test); what steps write to disk is real, here.</summary>
    public string DataDirectory { get; }

    /// <summary>Fires when the runner gives up on the test (its time limit, Ctrl+C).</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The test's clock: it moves only when the test calls <see cref="Advance"/>.</summary>
    public DateTimeOffset Now => _host?.Now ?? throw new TestFailedException("the clock starts with the first t.Start");

    /// <summary>Every run this test started.</summary>
    public IReadOnlyList<TestRun> Runs => _runs;

    /// <summary>A setting as scripts read it (<c>Setting("deploy:port")</c>); nothing from the host's configuration is seen.</summary>
    public void Setting(string key, string value)
    {
        BeforeFirstStart("t.Setting");
        _settings[key] = value;
    }

    /// <summary>A secret as <c>ctx.Secret(name)</c> reads it; masked in the logs as on the server.</summary>
    public void Secret(string name, string value)
    {
        BeforeFirstStart("t.Secret");
        _secrets[name] = value;
    }

    /// <summary>
    /// Starts <paramref name="workflow"/> as <paramref name="by"/> (an operator) with <paramref name="arguments"/> as chat
    /// takes them (<c>"app=web-app version=v1.2 env=prod"</c>), and returns once the run has settled: ended, or
    /// waiting for an approval, a timer or a command. A parameter the workflow refuses fails the test with the reason.
    /// </summary>
    public async Task<TestRun> Start(string workflow, string arguments = "", string by = "tester")
    {
        var host = _host ??= await _hostFactory(new TestWorld(_settings, _secrets, Machine, Nodes, DataDirectory), CancellationToken);
        var run = new TestRun(this, host, await host.StartAsync(workflow, arguments, by, CancellationToken));
        _runs.Add(run);
        return run;
    }

    /// <summary>Moves the clock by <paramref name="by"/>: retry pauses, approval and step timeouts due on the way fire; then the runs settle.</summary>
    public async Task Advance(TimeSpan by)
    {
        if (_host is null)
        {
            throw new TestFailedException("t.Advance before any t.Start: there is nothing for the clock to move");
        }

        await _host.AdvanceAsync(by, CancellationToken);
        foreach (var run in _runs)
        {
            await run.Refresh();
        }
    }

    /// <summary>Fails the test with <paramref name="message"/> unless <paramref name="condition"/> holds.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Test bodies call it on t, beside the test's other members.")]
    public void Expect(bool condition, string message)
    {
        if (!condition)
        {
            throw new TestFailedException(message);
        }
    }

    /// <summary>Fails the test unless <paramref name="actual"/> equals <paramref name="expected"/> (item by item for lists), naming <paramref name="what"/>.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Test bodies call it on t, beside the test's other members.")]
    public void Equal<T>(T expected, T actual, string what)
    {
        var same = expected is System.Collections.IEnumerable items && actual is System.Collections.IEnumerable others && expected is not string
            ? items.Cast<object?>().SequenceEqual(others.Cast<object?>())
            : EqualityComparer<T>.Default.Equals(expected, actual);
        if (!same)
        {
            throw new TestFailedException($"{what}: expected {Show(expected)}, got {Show(actual)}");
        }
    }

    /// <summary>Fails the test now.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Test bodies call it on t, beside the test's other members.")]
    public void Fail(string message) => throw new TestFailedException(message);

    internal static string Show<T>(T value) => value switch
    {
        null => "null",
        string text => $"\"{text}\"",
        System.Collections.IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(i => Show(i))) + "]",
        _ => value.ToString() ?? "",
    };

    private void BeforeFirstStart(string what)
    {
        if (_host is not null)
        {
            throw new TestFailedException($"{what} after the first t.Start: the test's OpsFlow was built from the settings and secrets declared before it");
        }
    }
}
