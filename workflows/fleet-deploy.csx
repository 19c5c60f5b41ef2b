#load ".opsflow/globals.csx"
// fleet-deploy: roll a release out to the nodes of an environment over SSH, a batch at a time. The release is built
// once on the OpsFlow host; each node then gets the archive, its `current` link switched, the app restarted and
// checked over HTTP. When more nodes fail than max-failures allows, the rollout stops (the nodes after it are not
// touched) and the rollback switches back and restarts only the nodes that were changed, last first. Prod needs an
// approval, as in deploy.
//
// The nodes are those with both the tag (default web) and the environment's name as tags (/nodes web prod). On each,
// under its var `root` (default /srv/<app>):
//   releases/<version>/     one unpacked release each (never changed once complete)
//   current                 link to the live release, switched in one step
//   .opsflow-switch-<run>   what `current` was before this run switched it, for the rollback
// The node's vars say how to run the app (docs/fleet.md, "fleet-deploy"):
//   restart     shell command run in root after the switch (default: sudo systemctl restart <app>)
//   stop        run in root when a rollback removes a node's first release (default: sudo systemctl stop <app>)
//   http_port   the port /health answers on (default 80); health_url replaces the whole URL
Workflow("fleet-deploy", "Roll a release out to the nodes of an environment over SSH, a batch at a time");

var app = Param<string>("app", "application name", pattern: "^[a-z][a-z0-9-]{1,40}$", example: "hello");
var version = Param<string>("version", "release version", pattern: @"^v\d+\.\d+(\.\d+)?$", example: "v1.2");
var env = Param<string>("env", "target environment (also a tag the nodes must carry)", oneOf: ["dev", "staging", "prod"]);
var tag = Param<string>("tag", "deploy to the nodes with this tag (and the environment's)", defaultValue: "web", pattern: "^[A-Za-z0-9_.-]+$");
var batchSize = Param<int>("batch-size", "nodes changed at once", defaultValue: 1);
var maxFailures = Param<int>("max-failures", "failed nodes tolerated; one more stops the rollout and rolls back", defaultValue: 0);
var pauseSeconds = Param<int>("pause-seconds", "seconds to wait between batches", defaultValue: 0);
var drill = Param<string>("drill", "practise a rollback: this node's new release reports itself unhealthy", defaultValue: "", pattern: "^[A-Za-z0-9_.-]*$");

// Two rollouts of one app to one environment at once would switch the same links under each other.
Lock($"fleet/{app}/{env}");

// By hand, node after node: about an hour for a handful of nodes. The reports count it per success.
ManualMinutes(60);

var source = Path.GetFullPath(Setting("fleet-deploy:source") ?? Path.Combine("workflows", "apps", "hello"));
var healthAttempts = Setting<int>("fleet-deploy:health-attempts", 20);
var healthInterval = TimeSpan.FromMilliseconds(Setting<int>("fleet-deploy:health-interval-ms", 1000));

// The inventory as it is now: a run keeps the nodes it was declared with, so its rollback finds the same ones.
var nodes = Nodes(tag, env);
var release = Path.Combine(Path.GetFullPath(DataDirectory), "fleet-deploy", app, "releases", version);
var archive = release + ".tar.gz";

var build = Step("build", async ctx =>
{
    if (nodes.Count == 0)
    {
        throw new StepFailedException($"no node carries both tags '{tag}' and '{env}'; `/nodes {tag} {env}` lists them, docs/fleet.md says how to add them", retry: false);
    }

    // A drill on a node the rollout does not reach would practise nothing and deploy for real.
    if (drill.Length > 0 && !nodes.Any(n => n.Name == drill))
    {
        throw new StepFailedException($"drill={drill} names no node of this rollout ({string.Join(", ", nodes)}); name one of them, or leave drill out for a real deploy", retry: false);
    }

    await ctx.PublishDotnet(source, release, version);
    await ctx.PackRelease(release);
}).Timeout(TimeSpan.FromMinutes(10));

var approval = Approval("prod-approval").After(build).When(() => env == "prod")
    .Approvers("role:ops-manager").Required(1).Timeout(TimeSpan.FromHours(2))
    .Message($"Deploy {app} {version} to production: {nodes.Count} node(s) ({string.Join(", ", nodes)}), {batchSize} at a time");

// A failure from here on rolls back to this point; the build stays (it is reusable).
Checkpoint("pre-deploy").After(approval);

var rollout = Step("rollout", ctx => ctx.ForEachNode(nodes, async node =>
{
    var root = Root(node);
    await InstallRelease(ctx, node, archive, root, version);
    var previous = await SwitchRelease(ctx, node, root, version);
    ctx.Log($"[{node.Name}] current: {(previous.Length == 0 ? "(none)" : previous)} -> releases/{version}");
    await Control(ctx, node, "restart", unhealthy: node.Name == drill);
    await ctx.HealthCheck(HealthUrl(node), attempts: healthAttempts, interval: healthInterval, expectBody: $"ok {version}");
}, batchSize: batchSize, pause: TimeSpan.FromSeconds(pauseSeconds), maxFailures: maxFailures))
.After("pre-deploy").Timeout(TimeSpan.FromMinutes(30))
.Compensate(ctx => ctx.ForEachTouchedNode(nodes, async node =>
{
    var root = Root(node);
    var previous = await SwitchedFrom(ctx, node, root);
    if (previous is null)
    {
        ctx.Log($"[{node.Name}] this run switched nothing here; left as it is");
        return;
    }

    if (previous.Length == 0)
    {
        // The node's first release: there is nothing to go back to, so the app stops.
        await Control(ctx, node, "stop", unhealthy: false);
        await PointCurrent(ctx, node, root, "");
    }
    else
    {
        await PointCurrent(ctx, node, root, previous);
        await Control(ctx, node, "restart", unhealthy: false);
        await ctx.HealthCheck(HealthUrl(node), attempts: healthAttempts, interval: healthInterval, expectBody: $"ok {Path.GetFileName(previous)}");
    }

    await ForgetSwitch(ctx, node, root);
    ctx.Log($"[{node.Name}] back on {(previous.Length == 0 ? "no release" : previous)}");
}));

// Bookkeeping must not undo a healthy rollout: a failure here is logged and the run still succeeds.
Step("record", async ctx =>
{
    foreach (var node in nodes)
    {
        try
        {
            await ForgetSwitch(ctx, node, Root(node));
        }
        catch (RemoteCommandException ex)
        {
            ctx.LogWarning($"[{node.Name}] the switch record stays: {ex.Message}");
        }
    }

    var line = $"{ctx.Clock.GetUtcNow():yyyy-MM-dd HH:mm:ss}Z {app} {version} {env} on {string.Join(" ", nodes)} run {ctx.RunId}{Environment.NewLine}";
    File.AppendAllText(Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(release))!, "deployments.log"), line);
}).After(rollout).ContinueOnError();

string Root(Node node) => node.Var("root") ?? $"/srv/{app}";

string HealthUrl(Node node) => node.Var("health_url") ?? $"http://{node.Host}:{node.Var("http_port") ?? "80"}/health";

// The node's own command for its service manager, run in its root; the environment tells a plain app where to
// listen and (the sample app's drill) to report itself unhealthy.
Task Control(StepContext ctx, Node node, string action, bool unhealthy)
{
    var command = node.Var(action) ?? $"sudo systemctl {action} {app}";
    return Ssh(ctx, node, ["env", $"HTTP_PORT={node.Var("http_port") ?? "80"}", $"APP_VERSION={version}", $"HELLO_DRILL={(unhealthy ? "1" : "0")}",
        "sh", "-c", "cd \"$1\" && eval \"$2\"", action, Root(node), command]);
}
