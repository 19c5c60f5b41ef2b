using Microsoft.Extensions.Logging.Abstractions;
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
}
