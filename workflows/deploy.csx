#load ".opsflow/globals.csx"
// deploy: build a versioned release, wait for approval in prod, switch the `current` link to it, start it and
// health-check it. When a step after the checkpoint fails, the engine runs the compensations newest-first (stop
// the new app, switch back, start the previous app) and the run ends RolledBack.
//
// It ships the sample app in apps/hello so it runs on any machine with the .NET SDK. For a real app, point
// the settings deploy:source at its project folder and deploy:entry at its dll, or replace build and start.
//
// State on disk, per app and environment (<data>/deploy/<app>/<env>/):
//   releases/<version>/   one published release each (never changed once complete)
//   current               symlink to the live release (relative, so the folder can be moved)
//   app.pid               the running app's process id
//   switch.state          the link target before this run switched it (for the rollback)
//   logs/app.log          the app's stdout/stderr; deployments.log  one line per successful deploy
Workflow("deploy", "Deploy an application to an environment");

var app = Param<string>("app", "application name", pattern: "^[a-z][a-z0-9-]{1,40}$", example: "web-app");
var version = Param<string>("version", "release version", pattern: @"^v\d+\.\d+(\.\d+)?$", example: "v1.2");
var env = Param<string>("env", "target environment", oneOf: ["dev", "staging", "prod"]);
var drill = Param<bool>("drill", "practise a rollback: the new release fails its health check on purpose", defaultValue: false);

// Two runs switching the same link and pid file at once would leave either app half-deployed.
Lock($"{app}/{env}");

// By hand (publish, copy, switch the link, restart, check): about half an hour. The reports count it per success.
ManualMinutes(30);

// Settings describe this machine, not the request; tests shorten the health check through them.
var source = Path.GetFullPath(Setting("deploy:source") ?? Path.Combine("workflows", "apps", "hello"));
var port = Setting<int>("deploy:port", 5090);
var healthAttempts = Setting<int>("deploy:health-attempts", 10);
var healthInterval = TimeSpan.FromMilliseconds(Setting<int>("deploy:health-interval-ms", 1000));

// Top-level code only computes names: the script also runs to describe the workflow, so it must not touch disk.
// AppHome keeps the releases, the `current` link, the pid file and the switch record (docs/scripts.md, "Helpers").
var home = new AppHome(Path.Combine(Path.GetFullPath(DataDirectory), "deploy", app, env));
var release = home.Release(version);
var url = $"http://127.0.0.1:{port}";
var entry = Setting("deploy:entry", "hello.dll")!;

// At-least-once: a crash may re-run this step, and a published release is reused rather than rebuilt.
var build = Step("build", ctx => ctx.PublishDotnet(source, release, version)).Timeout(TimeSpan.FromMinutes(10));

// Built first so approvers approve something that exists; skipped (which counts as done) outside prod.
var approval = Approval("prod-approval").After(build).When(() => env == "prod")
    .Approvers("role:ops-manager").Required(1).Timeout(TimeSpan.FromHours(2))
    .Message($"Deploy {app} {version} to production");

// A failure from here on rolls back to this point; the build before it stays (it is reusable).
Checkpoint("pre-deploy").After(approval);

var stop = Step("stop-current", async ctx =>
{
    if (home.RunningPid(ctx) is int pid)
    {
        await ctx.StopProcess(pid);
        ctx.SetOutput("stopped-pid", pid);
    }
    else
    {
        ctx.Log("no instance is running");
    }

    home.ForgetPid();
}).After("pre-deploy")
.Compensate(async ctx =>
{
    // Runs after the switch's compensation, so `current` is the previous release again. Read from disk rather
    // than this step's output: after a crash the step may have re-run and found nothing left to stop.
    if (home.CurrentTarget is null || home.RunningPid(ctx) is not null)
    {
        ctx.Log("nothing to restart");
        return;
    }

    StartApp(ctx, unhealthy: false);
    await ctx.HealthCheck($"{url}/health", attempts: healthAttempts, interval: healthInterval);
});

var swap = Step("switch", ctx =>
{
    var previous = home.RememberSwitch(ctx.RunId);
    home.PointCurrentAt(Path.Combine("releases", version));
    ctx.SetOutput("previous", previous);
    ctx.Log($"current: {(previous.Length == 0 ? "(none)" : previous)} -> releases/{version}");
}).After(stop)
.Compensate(ctx =>
{
    var previous = home.SwitchedFrom(ctx.RunId) ?? ctx.Output("switch", "previous") ?? "";
    home.PointCurrentAt(previous);
    ctx.Log(previous.Length == 0 ? "first deploy: removed the current link" : $"current switched back to {previous}");
    home.ForgetSwitch();
});

var start = Step("start", async ctx =>
{
    // A re-run after a crash finds the instance the first attempt started: replace it, never run two.
    if (home.RunningPid(ctx) is int stale)
    {
        await ctx.StopProcess(stale);
    }

    ctx.SetOutput("pid", StartApp(ctx, unhealthy: drill));
}).After(swap)
.Compensate(async ctx =>
{
    if (home.RunningPid(ctx) is int pid)
    {
        await ctx.StopProcess(pid);
    }

    home.ForgetPid();
});

var health = Step("health-check", async ctx =>
{
    await ctx.HealthCheck($"{url}/health", attempts: healthAttempts, interval: healthInterval, expectBody: $"ok {version}");
    ctx.SetOutput("url", url);
}).After(start).Timeout(TimeSpan.FromMinutes(5));

// Bookkeeping must not undo a healthy deploy: a failure here is logged and the run still succeeds.
Step("record", ctx =>
{
    var line = $"{ctx.Clock.GetUtcNow():yyyy-MM-dd HH:mm:ss}Z {version} run {ctx.RunId}{Environment.NewLine}";
    File.AppendAllText(Path.Combine(home.Folder, "deployments.log"), line);
    home.ForgetSwitch();
    ctx.SetOutput("release", release);
}).After(health).ContinueOnError();

int StartApp(StepContext ctx, bool unhealthy)
{
    var pid = ctx.StartDetached(
        "dotnet",
        [Path.Combine(home.Current, entry), "--urls", url],
        Path.Combine(home.Logs, "app.log"),
        workingDirectory: home.Current,
        environment: new Dictionary<string, string> { ["HELLO_DRILL"] = unhealthy ? "1" : "0" });
    home.RecordPid(pid);
    return pid;
}
