using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Scripting.Api;
using Xunit.Sdk;

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
/// The repo's real workflows/ folder on a real engine (in-memory store, in-process timers, the system clock),
/// with its own data folder. Waits are event-driven (an observer signals each committed change) with a
/// real-time guard, so a broken workflow fails the test instead of hanging it. Disposing stops every app a
/// deploy started, found through the pid files.
/// </summary>
public sealed class ShippedWorkflowHarness : IAsyncDisposable, IRunObserver
{
    // Shared by every harness: the cache is keyed by script hash, so reusing it only skips recompiling.
    private static readonly string CachePath = Path.Combine(Path.GetTempPath(), "opsflow-shipped-cache");
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ShippedWorkflowHarness(IReadOnlyDictionary<string, string?>? settings = null)
    {
        Directory.CreateDirectory(DataPath);
        var options = new ScriptingOptions { WorkflowsPath = WorkflowsPath, CachePath = CachePath, DataPath = DataPath, Watch = false };
        Catalog = new ScriptWorkflowCatalog(options, new InMemoryDefinitionSnapshotStore(), new ScriptEnvironment(settings ?? new Dictionary<string, string?>(), DataPath), TimeProvider.System, NullLogger<ScriptWorkflowCatalog>.Instance);
        Timers = new InProcessTimers(TimeProvider.System, () => Engine!);
        Engine = new WorkflowEngine(Store, Catalog, Timers, [this], TimeProvider.System, new EngineOptions(), NullLogger<WorkflowEngine>.Instance);
    }

    public static Actor Alice { get; } = Person("alice", Roles.Operator, "ops-manager");

    public static Actor Bob { get; } = Person("bob", Roles.Operator, "ops-manager");

    public static string RepoRoot { get; } = ReadmeExampleTests.RepositoryRoot();

    public static string WorkflowsPath => Path.Combine(RepoRoot, "workflows");

    public string BasePath { get; } = Path.Combine(Path.GetTempPath(), "opsflow-shipped-" + Guid.NewGuid().ToString("N")[..8]);

    public string DataPath => Path.Combine(BasePath, "data");

    public InMemoryRunStore Store { get; } = new();

    public ScriptWorkflowCatalog Catalog { get; }

    public InProcessTimers Timers { get; }

    public WorkflowEngine Engine { get; }

    public static Actor Person(string id, params string[] roles) => new(id, char.ToUpperInvariant(id[0]) + id[1..], new HashSet<string>(roles, StringComparer.OrdinalIgnoreCase));

    /// <summary>A TCP port nobody listens on now, for an app a test starts.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Loads every script of the folder and fails the test if any has a problem.</summary>
    public async Task LoadAsync()
    {
        var statuses = await Catalog.ReloadAsync();
        var broken = statuses.Where(s => !s.Ok).Select(s => $"{s.File}: {string.Join("; ", s.Problems)}").ToArray();
        Assert.True(broken.Length == 0, "every shipped workflow must load: " + string.Join(Environment.NewLine, broken));
    }

    public async Task<RunRecord> StartAsync(string workflow, Actor by, params (string Name, string Value)[] parameters)
    {
        var result = await Engine.StartAsync(new StartRunRequest(workflow, parameters.ToDictionary(p => p.Name, p => (string?)p.Value), by, "test"));
        return Assert.IsType<StartRunResult.Started>(result).Run;
    }

    /// <summary>Waits until the run is <paramref name="status"/> and fails with its history and logs if it settles otherwise.</summary>
    public async Task<RunRecord> WaitForRunAsync(string runId, RunStatus status)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var signal = _changed.Task;
            var run = (await Store.GetRunAsync(runId))!;
            if (run.Status == status)
            {
                return run;
            }

            if (StateMachine.IsTerminal(run.Status) || watch.Elapsed > Guard)
            {
                throw new XunitException($"Expected run {runId} to become {status}, but it is {run.Status}.{Environment.NewLine}{await DescribeAsync(runId)}");
            }

            // Woken by the next committed change; the short delay only bounds a missed signal.
            await Task.WhenAny(signal, Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System));
        }
    }

    public async Task<StepRecord> StepAsync(string runId, string step) =>
        (await Store.GetStepsAsync(runId)).Single(s => s.Name == step);

    /// <summary>History and every step's log: what a failing assertion should show.</summary>
    public async Task<string> DescribeAsync(string runId)
    {
        var lines = (await Store.GetHistoryAsync(runId)).Select(h => $"{h.Seq} {h.Kind} {h.Step} {h.From}->{h.To} {h.Actor}: {h.Reason}").ToList();
        foreach (var step in await Store.GetStepsAsync(runId))
        {
            lines.AddRange((await Store.GetStepLogAsync(runId, step.Name)).Select(l => $"  [{l.Step}#{l.Attempt} {l.Level}] {l.Text}"));
        }

        return string.Join(Environment.NewLine, lines);
    }

    public ValueTask OnRunChangedAsync(RunChanged change, CancellationToken cancellationToken = default)
    {
        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        Timers.Dispose();
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

    /// <summary>Kills the process of every pid file under this harness's data folder, if it runs one of our apps.</summary>
    public void StopStartedApps()
    {
        var deploys = Path.Combine(DataPath, "deploy");
        if (!Directory.Exists(deploys))
        {
            return;
        }

        foreach (var pidFile in Directory.EnumerateFiles(deploys, "app.pid", SearchOption.AllDirectories))
        {
            if (!int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) || !IsOurs(pid))
            {
                continue;
            }

            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(10));
            }
            catch (ArgumentException)
            {
                // It exited between the check and the kill.
            }
        }
    }

    /// <summary>True when <paramref name="pid"/> runs a file under this harness's folder (pids are reused).</summary>
    public bool IsOurs(int pid)
    {
        if (!OperatingSystem.IsLinux())
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                return !process.HasExited;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }

        var commandLine = $"/proc/{pid}/cmdline";
        return File.Exists(commandLine) && File.ReadAllText(commandLine).Contains(BasePath, StringComparison.Ordinal);
    }
}
