using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Model;
using OpsFlow.Scripting;
using OpsFlow.Scripting.Api;

namespace OpsFlow.Fleet.Tests;

/// <summary>
/// The shipped workflows/fleet-deploy.csx for real: the sample app published once, uploaded to real sshd nodes,
/// switched, restarted by its control script and health-checked over HTTP on each node's port. The shipped workflows
/// are templates people copy, so they must work as written.
/// </summary>
[Trait(Categories.Name, Categories.Slow)]
public sealed class FleetDeployTests(FleetDeployTests.Releases releases) : IClassFixture<FleetDeployTests.Releases>
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task FleetDeploy_RollsOutToEveryNode_ThenADrillFailsOneNode_AndOnlyTheNodesItChangedAreRolledBack()
    {
        await using var rig = await StartNodesAsync("staging");
        using var catalog = await releases.CatalogAsync(rig);
        await using var engine = new EngineHarness(new InMemoryRunStore(), TimeProvider.System, catalog, within: TimeSpan.FromMinutes(3), endsAreFinal: true);

        var first = await engine.StartAsync("fleet-deploy", EngineHarness.Alice, ("app", "hello"), ("version", "v1.0"), ("env", "staging"), ("batch-size", "3"));
        await engine.WaitForRunAsync(first.Id, RunStatus.Succeeded);
        Assert.Equal(StepStatus.Skipped, (await engine.StepAsync(first.Id, "prod-approval")).Status);
        Assert.All((await engine.StepAsync(first.Id, "rollout")).Items, i => Assert.Equal(ItemStatus.Succeeded, i.Status));
        foreach (var node in rig.Sshd.Nodes)
        {
            Assert.Equal("releases/v1.0", new FileInfo(Path.Combine(node.Folder, "current")).LinkTarget);
            Assert.Contains("ok v1.0", await HealthAsync(rig, node.Name), StringComparison.Ordinal);
        }

        var web3Pid = await File.ReadAllTextAsync(Path.Combine(rig.Sshd["web-3"].Folder, "app.pid"));

        // One node at a time, none may fail: web-2's new release reports itself unhealthy, so web-3 is never reached.
        var drill = await engine.StartAsync("fleet-deploy", EngineHarness.Alice, ("app", "hello"), ("version", "v1.1"), ("env", "staging"), ("drill", "web-2"));
        await engine.WaitForRunAsync(drill.Id, RunStatus.RolledBack);

        var rollout = await engine.StepAsync(drill.Id, "rollout");
        Assert.Equal(StepStatus.Compensated, rollout.Status);
        Assert.Equal(
            [("web-1", ItemStatus.Compensated), ("web-2", ItemStatus.Compensated), ("web-3", ItemStatus.Skipped)],
            rollout.Items.Select(i => (i.Name, i.Status)));
        foreach (var name in (string[])["web-1", "web-2"])
        {
            var folder = rig.Sshd[name].Folder;
            Assert.True(new FileInfo(Path.Combine(folder, "current")).LinkTarget == "releases/v1.0", $"{name} must be switched back to v1.0");
            Assert.Contains("ok v1.0", await HealthAsync(rig, name), StringComparison.Ordinal);
            Assert.Empty(Directory.GetFiles(folder, ".opsflow-switch-*"));
        }

        var web3 = rig.Sshd["web-3"].Folder;
        Assert.False(Directory.Exists(Path.Combine(web3, "releases", "v1.1")), "web-3 was never reached, so v1.1 must not be on it");
        Assert.Equal(web3Pid, await File.ReadAllTextAsync(Path.Combine(web3, "app.pid")));
        Assert.Contains("ok v1.0", await HealthAsync(rig, "web-3"), StringComparison.Ordinal);
        var error = (await engine.Store.GetRunAsync(drill.Id))!.Error;
        Assert.Contains("1 of 3 nodes failed (web-2), more than the 0 allowed; 1 node(s) were not touched: web-3", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FleetDeploy_ToProd_WaitsForAnotherManager_AndANodeWithAChangedKeyOrDownIsNotTouched_NorRolledBack()
    {
        await using var rig = await StartNodesAsync("prod");
        await rig.Sshd.ChangeHostKeyAsync("web-2");
        await rig.Sshd.StopAsync("web-3");
        using var catalog = await releases.CatalogAsync(rig);
        await using var engine = new EngineHarness(new InMemoryRunStore(), TimeProvider.System, catalog, within: TimeSpan.FromMinutes(3), endsAreFinal: true);

        var run = await engine.StartAsync("fleet-deploy", EngineHarness.Alice, ("app", "hello"), ("version", "v1.0"), ("env", "prod"), ("batch-size", "3"));
        await engine.WaitForRunAsync(run.Id, RunStatus.WaitingForApproval);
        Assert.False(Directory.Exists(Path.Combine(rig.Sshd["web-1"].Folder, "releases")), "nothing may reach a node before the approval");
        var own = await engine.Engine.SendAsync(run.Id, new RunCommand.Decide(EngineHarness.Alice, "prod-approval", ApprovalAction.Approve, "mine"));
        Assert.True(own.Outcome == CommandOutcome.Forbidden, $"four-eyes: the requester may not approve, got {own.Outcome}: {own.Message}");
        var other = await engine.Engine.SendAsync(run.Id, new RunCommand.Decide(EngineHarness.Bob, "prod-approval", ApprovalAction.Approve, "go"));
        Assert.True(other.Outcome == CommandOutcome.Done, $"another ops-manager approves, got {other.Outcome}: {other.Message}");

        // All three at once: web-1 is deployed, web-2 (changed key) and web-3 (down) are never reached: two failures
        // where none is allowed, so web-1, and only web-1, is rolled back (its first release: the app stops).
        await engine.WaitForRunAsync(run.Id, RunStatus.RolledBack);

        var rollout = await engine.StepAsync(run.Id, "rollout");
        Assert.Equal(
            [("web-1", ItemStatus.Compensated), ("web-2", ItemStatus.Unreachable), ("web-3", ItemStatus.Unreachable)],
            rollout.Items.Select(i => (i.Name, i.Status)));
        Assert.Contains("CHANGED", rollout.Items[1].Error, StringComparison.Ordinal);
        Assert.Contains("cannot reach", rollout.Items[2].Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(rig.Sshd["web-2"].Folder, "releases")), "a node whose key changed must get nothing");
        var web1 = rig.Sshd["web-1"].Folder;
        Assert.False(Path.Exists(Path.Combine(web1, "current")), "web-1's first release is undone: no current link");
        Assert.False(File.Exists(Path.Combine(web1, "app.pid")), "web-1's app is stopped by the rollback");
        await Assert.ThrowsAsync<HttpRequestException>(() => HealthAsync(rig, "web-1"));
    }

    /// <summary>Three nodes tagged web and <paramref name="env"/>, each with its own HTTP port and the sample app's control script.</summary>
    private static Task<FleetRig> StartNodesAsync(string env) =>
        FleetRig.StartAsync(["web-1", "web-2", "web-3"], (node, options) =>
        {
            options.Tags.Add(env);
            options.Vars["http_port"] = HostProcess.FreePort().ToString(CultureInfo.InvariantCulture);
            // The runtime by its path: a node's SSH session has the system's PATH, not the test's.
            options.Vars["restart"] = $"DOTNET={Environment.ProcessPath} sh current/control.sh restart";
            options.Vars["stop"] = "sh current/control.sh stop";
        });

    private static Task<string> HealthAsync(FleetRig rig, string node) =>
        Http.GetStringAsync(new Uri($"http://127.0.0.1:{rig.Node(node).Var("http_port")}/health"));

    /// <summary>One data folder for the class, so each release is published once and reused by the next test.</summary>
    public sealed class Releases : IDisposable
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("opsflow-fleet-deploy-").FullName;

        public async Task<ScriptWorkflowCatalog> CatalogAsync(FleetRig rig)
        {
            var workflows = Path.Combine(RepositoryRoot.Folder, "workflows");
            var options = new ScriptingOptions
            {
                WorkflowsPath = workflows,
                CachePath = Path.Combine(_folder, "cache"),
                DataPath = Path.Combine(_folder, "data"),
            };
            Directory.CreateDirectory(options.DataPath);
            var settings = new Dictionary<string, string?>
            {
                ["fleet-deploy:source"] = Path.Combine(workflows, "apps", "hello"),
                // Enough for the app to start on a busy machine, short enough that the drill's failing check ends soon.
                ["fleet-deploy:health-attempts"] = "30",
                ["fleet-deploy:health-interval-ms"] = "300",
            };
            var catalog = new ScriptWorkflowCatalog(options, new InMemoryDefinitionSnapshotStore(), new ScriptEnvironment(settings, options.DataPath, rig.Fleet),
                TimeProvider.System, NullLogger<ScriptWorkflowCatalog>.Instance);
            await catalog.ReloadAsync();
            return catalog;
        }

        public void Dispose()
        {
            OwnedProcesses.StopAsync(_folder).GetAwaiter().GetResult();
            Directory.Delete(_folder, recursive: true);
        }
    }
}
