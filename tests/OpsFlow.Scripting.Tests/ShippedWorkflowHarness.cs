using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Scripting.Api;

namespace OpsFlow.Scripting.Tests;

/// <summary>
/// The shipped tests publish an app, bind ports and start processes: one at a time, and not beside other tests
/// on a two-core machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ShippedWorkflowsCollection
{
    public const string Name = "Shipped workflows";
}

/// <summary>
/// The repo's real workflows/ folder on the <see cref="EngineHarness"/> (in-memory store, in-process timers, here the
/// system clock), with its own data folder. A wait for a run fails as soon as the run ends otherwise, with its history
/// and logs. Disposing stops every app a deploy started, found through the pid files.
/// </summary>
public sealed class ShippedWorkflowHarness : IAsyncDisposable
{
    // Shared by every harness: the cache is keyed by script hash, so reusing it only skips recompiling.
    private static readonly string CachePath = Path.Combine(Path.GetTempPath(), "opsflow-shipped-cache");
    // Compiling the scripts and publishing an app take most of a minute on two busy cores.
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);
    private readonly EngineHarness _engine;

    public ShippedWorkflowHarness(IReadOnlyDictionary<string, string?>? settings = null)
    {
        Directory.CreateDirectory(DataPath);
        var options = new ScriptingOptions { WorkflowsPath = WorkflowsPath, CachePath = CachePath, DataPath = DataPath, Watch = false };
        Catalog = new ScriptWorkflowCatalog(options, new InMemoryDefinitionSnapshotStore(), new ScriptEnvironment(settings ?? new Dictionary<string, string?>(), DataPath), TimeProvider.System, NullLogger<ScriptWorkflowCatalog>.Instance);
        _engine = new EngineHarness(Store, TimeProvider.System, Catalog, within: Within, endsAreFinal: true);
    }

    public static Actor Alice { get; } = Person("alice", Roles.Operator, "ops-manager");

    public static Actor Bob { get; } = Person("bob", Roles.Operator, "ops-manager");

    public static string RepoRoot { get; } = ReadmeExampleTests.RepositoryRoot();

    public static string WorkflowsPath => Path.Combine(RepoRoot, "workflows");

    public string BasePath { get; } = Path.Combine(Path.GetTempPath(), "opsflow-shipped-" + Guid.NewGuid().ToString("N")[..8]);

    public string DataPath => Path.Combine(BasePath, "data");

    public InMemoryRunStore Store { get; } = new();

    public ScriptWorkflowCatalog Catalog { get; }

    public WorkflowEngine Engine => _engine.Engine;

    public static Actor Person(string id, params string[] roles) => EngineHarness.Person(id, roles);

    /// <summary>A TCP port nobody listens on now, for an app a test starts.</summary>
    public static int FreePort() => HostProcess.FreePort();

    /// <summary>Loads every script of the folder and fails the test if any has a problem.</summary>
    public async Task LoadAsync()
    {
        var statuses = await Catalog.ReloadAsync();
        var broken = statuses.Where(s => !s.Ok).Select(s => $"{s.File}: {string.Join("; ", s.Problems)}").ToArray();
        Assert.True(broken.Length == 0, "every shipped workflow must load: " + string.Join(Environment.NewLine, broken));
    }

    public Task<RunRecord> StartAsync(string workflow, Actor by, params (string Name, string Value)[] parameters) =>
        _engine.StartAsync(workflow, by, parameters);

    /// <summary>Waits until the run is <paramref name="status"/> and fails with its history and logs if it settles otherwise.</summary>
    public Task<RunRecord> WaitForRunAsync(string runId, RunStatus status) => _engine.WaitForRunAsync(runId, status);

    public Task<StepRecord> StepAsync(string runId, string step) => _engine.StepAsync(runId, step);

    /// <summary>History and every step's log: what a failing assertion should show.</summary>
    public Task<string> DescribeAsync(string runId) => _engine.DescribeAsync(runId);

    public async ValueTask DisposeAsync()
    {
        await _engine.DisposeAsync();
        Catalog.Dispose();
        StopStartedApps();
        try
        {
            Directory.Delete(BasePath, recursive: true);
        }
        catch (IOException)
        {
            // A process may still hold a file for a moment; the OS cleans the temp folder.
        }
    }

    /// <summary>Kills every process running from this harness's folder: the apps its deploys started (they outlive a run by design).</summary>
    public void StopStartedApps() => OwnedProcesses.Stop(BasePath);

    /// <summary>True when <paramref name="pid"/> runs from this harness's folder (pids are reused, so the folder decides).</summary>
    public bool IsOurs(int pid) => OwnedProcesses.In(BasePath).Any(p => p.Pid == pid);
}
