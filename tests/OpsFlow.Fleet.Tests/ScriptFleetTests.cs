using Microsoft.Extensions.Logging.Abstractions;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using OpsFlow.Scripting;
using OpsFlow.Scripting.Api;

namespace OpsFlow.Fleet.Tests;

/// <summary>A workflow script that selects nodes by tag and runs commands on them over SSH, against real sshd nodes.</summary>
[Trait(Categories.Name, Categories.Slow)]
public sealed class ScriptFleetTests
{
    private static readonly Actor Operator = new("olivia", "Olivia", new HashSet<string> { Roles.Operator });

    [Fact]
    public async Task AScript_SelectsNodesByTag_RunsOnEach_AndTheStepLogNamesTheNode()
    {
        await using var rig = await FleetRig.StartAsync("web-1", "web-2");
        var folder = Directory.CreateTempSubdirectory("opsflow-fleet-scripts-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(folder, "workflows"));
            await File.WriteAllTextAsync(Path.Combine(folder, "workflows", "stamp.csx"), """
                Workflow("stamp", "Writes a file on every web node");
                var release = Param<string>("release", pattern: "^v[0-9.]+$");
                Step("stamp", async ctx =>
                {
                    foreach (var node in Nodes("web"))
                    {
                        await Ssh(ctx, node, ["sh", "-c", "echo \"$1\" > \"$2/release\"; echo stamped $1", "sh", release, node.Var("root")!]);
                    }
                });
                """);
            var options = new ScriptingOptions
            {
                WorkflowsPath = Path.Combine(folder, "workflows"),
                CachePath = Path.Combine(folder, "cache"),
                DataPath = Path.Combine(folder, "data"),
            };
            Directory.CreateDirectory(options.DataPath);
            using var catalog = new ScriptWorkflowCatalog(options, new InMemoryDefinitionSnapshotStore(), new ScriptEnvironment(new Dictionary<string, string?>(), options.DataPath, rig.Fleet),
                TimeProvider.System, NullLogger<ScriptWorkflowCatalog>.Instance);
            await catalog.ReloadAsync();
            await using var engine = new EngineHarness(new InMemoryRunStore(), TimeProvider.System, catalog, within: TimeSpan.FromSeconds(30));

            var run = await engine.StartAsync("stamp", Operator, ("release", "v1.2"));
            await engine.WaitForRunAsync(run.Id, RunStatus.Succeeded);

            var log = (await engine.Store.GetStepLogAsync(run.Id, "stamp")).Select(l => l.Text).ToArray();
            Assert.Contains("[web-1] stamped v1.2", log);
            Assert.Contains("[web-2] stamped v1.2", log);
            Assert.All(rig.Sshd.Nodes, n => Assert.Equal("v1.2\n", File.ReadAllText(Path.Combine(n.Folder, "release"))));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task ARollout_StopsAtTheFailureBudget_AndTheRollbackUndoesOnlyTheNodesItTouched()
    {
        await using var rig = await FleetRig.StartAsync("web-1", "web-2", "web-3");
        // web-2 fails its health check; batches of one, no failure allowed: web-3 is never reached.
        await File.WriteAllTextAsync(Path.Combine(rig.Sshd["web-2"].Folder, "broken"), "");
        var folder = Directory.CreateTempSubdirectory("opsflow-fleet-scripts-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(folder, "workflows"));
            await File.WriteAllTextAsync(Path.Combine(folder, "workflows", "roll.csx"), """
                Workflow("roll", "Switches every web node, one at a time");
                var web = Nodes("web");
                Step("switch", ctx => ctx.ForEachNode(web, async node =>
                {
                    await Ssh(ctx, node, ["sh", "-c", "echo new > \"$1/current\"; test ! -e \"$1/broken\" || { echo unhealthy >&2; exit 1; }", "sh", node.Var("root")!]);
                }, batchSize: 1, maxFailures: 0))
                .Compensate(ctx => ctx.ForEachTouchedNode(web, async node =>
                {
                    await Ssh(ctx, node, ["sh", "-c", "echo old > \"$1/current\"", "sh", node.Var("root")!]);
                }));
                """);
            using var catalog = await CatalogAsync(folder, rig);
            await using var engine = new EngineHarness(new InMemoryRunStore(), TimeProvider.System, catalog, within: TimeSpan.FromSeconds(30));

            var run = await engine.StartAsync("roll", Operator);
            await engine.WaitForRunAsync(run.Id, RunStatus.RolledBack);

            var step = await engine.StepAsync(run.Id, "switch");
            Assert.Equal(StepStatus.Compensated, step.Status);
            Assert.Equal(
                [("web-1", ItemStatus.Compensated), ("web-2", ItemStatus.Compensated), ("web-3", ItemStatus.Skipped)],
                step.Items.Select(i => (i.Name, i.Status)));
            Assert.Equal("0 of 3 done, 1 skipped, 2 rolled back", StepItem.Summary(step.Items));
            Assert.Equal("old\n", await File.ReadAllTextAsync(Path.Combine(rig.Sshd["web-1"].Folder, "current")));
            Assert.Equal("old\n", await File.ReadAllTextAsync(Path.Combine(rig.Sshd["web-2"].Folder, "current")));
            Assert.False(File.Exists(Path.Combine(rig.Sshd["web-3"].Folder, "current")), "web-3 was never reached, so nothing of it is touched, not even by the rollback");
            Assert.Contains("1 of 3 nodes failed (web-2), more than the 0 allowed; 1 node(s) were not touched: web-3", (await engine.Store.GetRunAsync(run.Id))!.Error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task FleetInspect_ChecksEveryTaggedNode_AndAnUnreachableOneIsCritical_WhileTheOthersAreStillChecked()
    {
        await using var rig = await FleetRig.StartAsync("web-1", "web-2", "web-3");
        await rig.Sshd.StopAsync("web-3");
        var folder = Directory.CreateTempSubdirectory("opsflow-fleet-scripts-").FullName;
        try
        {
            using var catalog = await CatalogAsync(folder, rig, Path.Combine(RepositoryRoot.Folder, "workflows"));
            await using var engine = new EngineHarness(new InMemoryRunStore(), TimeProvider.System, catalog, within: TimeSpan.FromSeconds(60));

            var run = await engine.StartAsync("fleet-inspect", Operator, ("tag", "web"));
            await engine.WaitForRunAsync(run.Id, RunStatus.Succeeded);

            var step = await engine.StepAsync(run.Id, "check");
            var findings = step.Findings.Select(f => $"{f.Level} {f.Text}").ToArray();
            foreach (var node in (string[])["web-1", "web-2"])
            {
                Assert.Contains(findings, f => f.Contains($" {node}: memory ", StringComparison.Ordinal));
                Assert.Contains(findings, f => f.Contains($" {node}: load ", StringComparison.Ordinal));
                Assert.Contains(findings, f => f.Contains($" {node}: / ", StringComparison.Ordinal) || f.Contains($" {node}: /", StringComparison.Ordinal));
            }

            Assert.Contains(findings, f => f.StartsWith("Critical web-3: not checked: [web-3] cannot reach 127.0.0.1:", StringComparison.Ordinal));
            Assert.Equal(
                [("web-1", ItemStatus.Succeeded), ("web-2", ItemStatus.Succeeded), ("web-3", ItemStatus.Unreachable)],
                step.Items.Select(i => (i.Name, i.Status)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<ScriptWorkflowCatalog> CatalogAsync(string folder, FleetRig rig, string? workflows = null)
    {
        var options = new ScriptingOptions
        {
            WorkflowsPath = workflows ?? Path.Combine(folder, "workflows"),
            CachePath = Path.Combine(folder, "cache"),
            DataPath = Path.Combine(folder, "data"),
        };
        Directory.CreateDirectory(options.DataPath);
        var catalog = new ScriptWorkflowCatalog(options, new InMemoryDefinitionSnapshotStore(), new ScriptEnvironment(new Dictionary<string, string?>(), options.DataPath, rig.Fleet),
            TimeProvider.System, NullLogger<ScriptWorkflowCatalog>.Instance);
        await catalog.ReloadAsync();
        return catalog;
    }
}
