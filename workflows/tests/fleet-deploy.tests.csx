#load "../.opsflow/test-globals.csx"
// Tests of fleet-deploy.csx (`opsflow test fleet-deploy`): three fake nodes, no SSH, no network. The release helpers'
// remote scripts are told apart by their name ($0): install, switch, switched, point.

void World(WorkflowTest t, params string[] nodes)
{
    var source = Directory.CreateDirectory(Path.Combine(t.DataDirectory, "..", "app-source")).FullName;
    File.WriteAllText(Path.Combine(source, "app.csproj"), "<Project />");
    t.Setting("fleet-deploy:source", source);
    t.Setting("fleet-deploy:health-attempts", "1");
    t.Machine.OnRun("dotnet", "publish").Does(call =>
    {
        var output = Directory.CreateDirectory(call.ArgumentAfter("-o")!).FullName;
        File.WriteAllText(Path.Combine(output, "hello.dll"), "");
    });

    foreach (var name in nodes)
    {
        t.Nodes.Add(name, "web", "dev");
    }

    // Every node runs v1.1 today and has the new release unpacked already.
    t.Nodes.OnRun("sh", "-c", "*", "install").Exits(0);
    t.Nodes.OnRun("sh", "-c", "*", "switch").Exits(0, "releases/v1.1");
    t.Nodes.OnRun("sh", "-c", "*", "switched").Exits(0, "from:releases/v1.1");
    t.Nodes.OnRun("sh", "-c", "*", "point").Exits(0);
    t.Nodes.OnRun("env").Exits(0);
    t.Nodes.OnRun("rm").Exits(0);
}

string Health(string node) => $"http://{node}.test:80/health";

Test("a healthy rollout switches every node, one at a time", async t =>
{
    World(t, "web-1", "web-2", "web-3");
    foreach (var node in new[] { "web-1", "web-2", "web-3" })
    {
        t.Machine.OnHttp(Health(node)).Answers(200, "ok v1.2");
    }

    var run = await t.Start("fleet-deploy", "app=hello version=v1.2 env=dev");

    run.ExpectStatus("Succeeded");
    t.Equal(new[] { "web-1", "web-2", "web-3" }, t.Nodes.NodesThatRan("sh", "-c", "*", "switch"), "nodes switched, in order");
    t.Equal(new[] { "Succeeded", "Succeeded", "Succeeded" }, run.Step("rollout").Items.Select(i => i.Status.ToString()), "the nodes' status on the card");
});

Test("a node that fails its health check stops the rollout, and only the nodes changed are rolled back", async t =>
{
    World(t, "web-1", "web-2", "web-3");
    t.Machine.OnHttp(Health("web-1")).Answers(200, "ok v1.2").Answers(200, "ok v1.1");
    t.Machine.OnHttp(Health("web-2")).Answers(500, "broken").Answers(200, "ok v1.1");

    var run = await t.Start("fleet-deploy", "app=hello version=v1.2 env=dev");

    run.ExpectStatus("RolledBack");
    t.Equal(new[] { "web-2", "web-1" }, t.Nodes.NodesThatRan("sh", "-c", "*", "point"), "nodes switched back, last changed first");
    t.Expect(t.Nodes.Calls.All(c => c.Node != "web-3"), "web-3 was touched after the rollout stopped");
});

Test("a node that is down counts as failed; within max-failures the rollout goes on", async t =>
{
    World(t, "web-1", "web-2", "web-3");
    t.Nodes["web-2"].Down();
    t.Machine.OnHttp(Health("web-1")).Answers(200, "ok v1.2");
    t.Machine.OnHttp(Health("web-3")).Answers(200, "ok v1.2");

    var run = await t.Start("fleet-deploy", "app=hello version=v1.2 env=dev max-failures=1");

    run.ExpectStatus("Succeeded");
    t.Equal(new[] { "Succeeded", "Unreachable", "Succeeded" }, run.Step("rollout").Items.Select(i => i.Status.ToString()), "the nodes' status");
});

Test("a drill on a node the rollout does not reach fails before any node is touched", async t =>
{
    World(t, "web-1", "web-2");

    var run = await t.Start("fleet-deploy", "app=hello version=v1.2 env=dev drill=web-9");

    run.ExpectStatus("Failed");
    t.Expect(run.Step("build").Error!.Contains("drill=web-9 names no node of this rollout (web-1, web-2)"), run.Step("build").Error!);
    t.Equal(0, t.Nodes.Calls.Count, "commands run on nodes");
});

Test("a drill makes the named node report itself unhealthy, and the rollout is rolled back", async t =>
{
    World(t, "web-1", "web-2");
    t.Machine.OnHttp(Health("web-1")).Answers(200, "ok v1.2").Answers(200, "ok v1.1");
    t.Machine.OnHttp(Health("web-2")).Answers(500, "drill").Answers(200, "ok v1.1");

    var run = await t.Start("fleet-deploy", "app=hello version=v1.2 env=dev drill=web-2");

    run.ExpectStatus("RolledBack");
    var restart = t.Nodes.Calls.First(c => c.Node == "web-2" && c.Command[0] == "env");
    t.Expect(restart.Command.Contains("HELLO_DRILL=1"), $"web-2 was restarted without the drill: {restart}");
});
