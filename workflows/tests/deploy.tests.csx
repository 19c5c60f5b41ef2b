#load "../.opsflow/test-globals.csx"
// Tests of deploy.csx (`opsflow test deploy`). Nothing is built, started or fetched: `dotnet publish` and the app's
// health URL are faked, and the data folder is the test's own. What the script writes to disk (releases, the
// `current` link, the pid file) is real, in that folder.

const string Health = "http://127.0.0.1:5090/health";

// A source folder, a publish that writes what dotnet publish would, and one health check try (no pause to wait out).
void World(WorkflowTest t)
{
    var source = Directory.CreateDirectory(Path.Combine(t.DataDirectory, "..", "app-source")).FullName;
    File.WriteAllText(Path.Combine(source, "app.csproj"), "<Project />");
    t.Setting("deploy:source", source);
    t.Setting("deploy:health-attempts", "1");
    t.Machine.OnRun("dotnet", "publish").Does(call =>
    {
        var output = Directory.CreateDirectory(call.ArgumentAfter("-o")!).FullName;
        File.WriteAllText(Path.Combine(output, "hello.dll"), "");
    });
}

string Home(WorkflowTest t, string env) => Path.Combine(t.DataDirectory, "deploy", "web-app", env);

Test("a dev deploy builds, points current at the release, starts the app and checks its health", async t =>
{
    World(t);
    t.Machine.OnHttp(Health).Answers(200, "ok v1.2");

    var run = await t.Start("deploy", "app=web-app version=v1.2 env=dev");

    run.ExpectStatus("Succeeded");
    run.ExpectStep("prod-approval", "Skipped");
    t.Equal(Path.Combine("releases", "v1.2"), new FileInfo(Path.Combine(Home(t, "dev"), "current")).LinkTarget, "the current link");
    t.Expect(t.Machine.Ran("dotnet", Path.Combine(Home(t, "dev"), "current", "hello.dll")), "the app was not started from the current link");
    t.Equal(1, t.Machine.Running.Count, "apps running");
});

Test("prod waits for an ops manager, and the requester may not approve their own deploy", async t =>
{
    World(t);
    t.Machine.OnHttp(Health).Answers(200, "ok v1.2");

    var run = await t.Start("deploy", "app=web-app version=v1.2 env=prod", by: "dana");
    run.ExpectStatus("WaitingForApproval");
    t.Equal(0, t.Machine.Running.Count, "apps started before the approval");

    var refused = await run.Decide("prod-approval", approve: true, by: "dana", role: "ops-manager");
    t.Expect(refused is not null, "the requester approved their own deploy");

    await run.Approve("prod-approval", by: "erik", role: "ops-manager");
    run.ExpectStatus("Succeeded");
});

Test("a release that fails its health check is rolled back: app stopped, current link removed", async t =>
{
    World(t);
    t.Machine.OnHttp(Health).Answers(500, "boom");

    var run = await t.Start("deploy", "app=web-app version=v1.2 env=dev");

    run.ExpectStatus("RolledBack");
    run.ExpectStep("health-check", "Failed");
    run.ExpectStep("start", "Compensated");
    run.ExpectStep("switch", "Compensated");
    t.Equal(null, new FileInfo(Path.Combine(Home(t, "dev"), "current")).LinkTarget, "the current link after the rollback");
    t.Equal(0, t.Machine.Running.Count, "apps left running");
});

Test("the second deploy stops the first release and a failed one brings it back", async t =>
{
    World(t);
    t.Machine.OnHttp(Health).Answers(200, "ok v1.2").Answers(500, "boom").Answers(200, "ok v1.2");

    (await t.Start("deploy", "app=web-app version=v1.2 env=dev")).ExpectStatus("Succeeded");
    var second = await t.Start("deploy", "app=web-app version=v1.3 env=dev");

    second.ExpectStatus("RolledBack");
    t.Equal(Path.Combine("releases", "v1.2"), new FileInfo(Path.Combine(Home(t, "dev"), "current")).LinkTarget, "the current link after the rollback");
    t.Equal(1, t.Machine.Running.Count, "apps running after the rollback");
    t.Equal(2, t.Machine.Stopped.Count, "apps stopped (v1.2 for the deploy, v1.3 for the rollback)");
});
