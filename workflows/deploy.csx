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

// Settings describe this machine, not the request; tests shorten the health check through them.
var source = Path.GetFullPath(Setting("deploy:source") ?? Path.Combine("workflows", "apps", "hello"));
var port = Setting<int>("deploy:port", 5090);
var healthAttempts = Setting<int>("deploy:health-attempts", 10);
var healthInterval = TimeSpan.FromMilliseconds(Setting<int>("deploy:health-interval-ms", 1000));

// Top-level code only computes names: the script also runs to describe the workflow, so it must not touch disk.
var home = Path.Combine(Path.GetFullPath(DataDirectory), "deploy", app, env);
var release = Path.Combine(home, "releases", version);
var current = Path.Combine(home, "current");
var pidFile = Path.Combine(home, "app.pid");
var switchState = Path.Combine(home, "switch.state");
var url = $"http://127.0.0.1:{port}";
var entry = Setting("deploy:entry", "hello.dll")!;

var build = Step("build", async ctx =>
{
    // At-least-once: a crash may re-run this step, and a published release is reused rather than rebuilt.
    if (Directory.Exists(release))
    {
        ctx.Log($"release {version} exists already; not building it again");
        return;
    }

    if (!Directory.Exists(source))
    {
        throw new DirectoryNotFoundException($"No app source at {source}; set deploy:source to the project folder.");
    }

    // Build a copy, so the source folder gets no bin/obj and two environments can build at once.
    var work = Path.Combine(home, "build", version);
    var partial = release + ".partial";
    DeleteFolder(work);
    DeleteFolder(partial);
    CopySource(source, work);
    ctx.Progress(10, "publishing");

    // --disable-build-servers: a compiler server left running would outlive the step and hold the folder.
    await ctx.Run("dotnet", ["publish", work, "-c", "Release", "-o", partial, $"-p:InformationalVersion={version}", "--nologo", "--disable-build-servers"],
        environment: new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" });

    // Published elsewhere and renamed: a release folder is either complete or absent, never half-written.
    Directory.Move(partial, release);
    DeleteFolder(work);
}).Timeout(TimeSpan.FromMinutes(10));

// Built first so approvers approve something that exists; skipped (which counts as done) outside prod.
var approval = Approval("prod-approval").After(build).When(() => env == "prod")
    .Approvers("role:ops-manager").Required(1).Timeout(TimeSpan.FromHours(2))
    .Message($"Deploy {app} {version} to production");

// A failure from here on rolls back to this point; the build before it stays (it is reusable).
Checkpoint("pre-deploy").After(approval);

var stop = Step("stop-current", async ctx =>
{
    if (RunningPid() is int pid)
    {
        await ctx.StopProcess(pid);
        ctx.SetOutput("stopped-pid", pid.ToString(CultureInfo.InvariantCulture));
    }
    else
    {
        ctx.Log("no instance is running");
    }

    File.Delete(pidFile);
}).After("pre-deploy")
.Compensate(async ctx =>
{
    // Runs after the switch's compensation, so `current` is the previous release again. Read from disk rather
    // than this step's output: after a crash the step may have re-run and found nothing left to stop.
    if (!Path.Exists(current) || RunningPid() is not null)
    {
        ctx.Log("nothing to restart");
        return;
    }

    StartApp(ctx, unhealthy: false);
    await ctx.HealthCheck($"{url}/health", attempts: healthAttempts, interval: healthInterval);
});

var swap = Step("switch", ctx =>
{
    // Remember what `current` was before this run touched it; a re-run after a crash keeps the first answer.
    var previous = ReadSwitchState(ctx.RunId) ?? LinkTarget() ?? "";
    File.WriteAllText(switchState, $"{ctx.RunId}\n{previous}");
    PointCurrentAt(Path.Combine("releases", version));
    ctx.SetOutput("previous", previous);
    ctx.Log($"current: {(previous.Length == 0 ? "(none)" : previous)} -> releases/{version}");
}).After(stop)
.Compensate(ctx =>
{
    var previous = ReadSwitchState(ctx.RunId) ?? ctx.Output("switch", "previous");
    if (string.IsNullOrEmpty(previous))
    {
        File.Delete(current);
        ctx.Log("first deploy: removed the current link");
    }
    else
    {
        PointCurrentAt(previous);
        ctx.Log($"current switched back to {previous}");
    }

    File.Delete(switchState);
});

var start = Step("start", async ctx =>
{
    // A re-run after a crash finds the instance the first attempt started: replace it, never run two.
    if (RunningPid() is int stale)
    {
        await ctx.StopProcess(stale);
    }

    ctx.SetOutput("pid", StartApp(ctx, unhealthy: drill).ToString(CultureInfo.InvariantCulture));
}).After(swap)
.Compensate(async ctx =>
{
    if (RunningPid() is int pid)
    {
        await ctx.StopProcess(pid);
    }

    File.Delete(pidFile);
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
    File.AppendAllText(Path.Combine(home, "deployments.log"), line);
    File.Delete(switchState);
    ctx.SetOutput("release", release);
}).After(health).ContinueOnError();

int StartApp(StepContext ctx, bool unhealthy)
{
    Directory.CreateDirectory(Path.Combine(home, "logs"));
    var pid = ctx.StartDetached(
        "dotnet",
        [Path.Combine(current, entry), "--urls", url],
        Path.Combine(home, "logs", "app.log"),
        workingDirectory: current,
        environment: new Dictionary<string, string> { ["HELLO_DRILL"] = unhealthy ? "1" : "0" });
    File.WriteAllText(pidFile, pid.ToString(CultureInfo.InvariantCulture));
    return pid;
}

// A pid file can outlive its process and the number can be reused: on Linux, trust it only when that process
// runs a file under this app's folder, so we never stop someone else's program.
int? RunningPid()
{
    if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var pid))
    {
        return null;
    }

    if (OperatingSystem.IsLinux())
    {
        var commandLine = $"/proc/{pid}/cmdline";
        return File.Exists(commandLine) && File.ReadAllText(commandLine).Contains(home, StringComparison.Ordinal) ? pid : null;
    }

    try
    {
        using var process = System.Diagnostics.Process.GetProcessById(pid);
        return process.HasExited ? null : pid;
    }
    catch (ArgumentException)
    {
        return null;
    }
}

string? LinkTarget() => new FileInfo(current).LinkTarget;

// Replaces the link (File.Delete removes a link, never its target). Not atomic, as .NET cannot rename a link
// to a folder over another; harmless here because the app is stopped while `current` changes.
void PointCurrentAt(string target)
{
    File.Delete(current);
    File.CreateSymbolicLink(current, target);
}

// The target recorded by this run's switch ("" when there was none), or null when it recorded nothing.
string? ReadSwitchState(string runId)
{
    var parts = File.Exists(switchState) ? File.ReadAllText(switchState).Split('\n', 2) : [];
    return parts.Length == 2 && parts[0] == runId ? parts[1] : null;
}

static void CopySource(string from, string to)
{
    foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
    {
        var relative = Path.GetRelativePath(from, file);
        if (relative.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj")
        {
            continue;
        }

        var target = Path.Combine(to, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(file, target);
    }
}

static void DeleteFolder(string path)
{
    if (Directory.Exists(path))
    {
        Directory.Delete(path, recursive: true);
    }
}
