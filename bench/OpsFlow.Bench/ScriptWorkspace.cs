using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using OpsFlow.Engine.InProcess;
using OpsFlow.Testing;
using OpsFlow.Scripting;
using OpsFlow.Scripting.Api;

namespace OpsFlow.Bench;

/// <summary>How many scripts each script scenario uses; quick mode keeps CI under a minute of extra time.</summary>
internal sealed record ScriptCounts(int Scripts, int WarmCompiles, int CacheHits, int MemoryWarmUp, int MaxLoaded)
{
    public static ScriptCounts Full { get; } = new(Scripts: 200, WarmCompiles: 9, CacheHits: 50, MemoryWarmUp: 20, MaxLoaded: 64);

    // A smaller LRU so that quick mode still evicts (and so unloads) most of what it loads.
    public static ScriptCounts Quick { get; } = new(Scripts: 60, WarmCompiles: 4, CacheHits: 20, MemoryWarmUp: 10, MaxLoaded: 16);
}

/// <summary>
/// A workflows folder of distinct generated scripts with its own compile cache. Each script differs in its name
/// and a constant, so each has its own hash, its own cache file and its own loaded context.
/// </summary>
internal sealed class ScriptWorkspace
{
    public ScriptWorkspace(string folder, int scripts, int maxLoaded)
    {
        var root = Path.Combine(folder, "scripts");
        Options = new ScriptingOptions
        {
            WorkflowsPath = Path.Combine(root, "workflows"),
            CachePath = Path.Combine(root, "cache"),
            DataPath = Path.Combine(root, "data"),
            MaxLoadedScripts = maxLoaded,
            Watch = false,
        };
        Directory.CreateDirectory(Options.WorkflowsPath);
        Directory.CreateDirectory(Options.DataPath);
        Environment = ScriptEnvironment.Empty(Options.DataPath);
        var sources = new List<ScriptSource>(scripts);
        for (var i = 0; i < scripts; i++)
        {
            var file = string.Create(CultureInfo.InvariantCulture, $"deploy-{i:000}.csx");
            var text = Template(i);
            File.WriteAllText(Path.Combine(Options.WorkflowsPath, file), text);
            // Built directly rather than through ScriptSourceReader, whose parse would warm Roslyn before the
            // cold-compile measurement; without #load both give the same files and hash.
            sources.Add(new ScriptSource(file, new Dictionary<string, string>(StringComparer.Ordinal) { [file] = text }));
        }

        Sources = sources;
    }

    public ScriptingOptions Options { get; }

    public ScriptEnvironment Environment { get; }

    public IReadOnlyList<ScriptSource> Sources { get; }

    /// <summary>A catalog over the folder and cache: what the host builds at start.</summary>
    public ScriptWorkflowCatalog NewCatalog() =>
        new(Options, new InMemoryDefinitionSnapshotStore(), Environment, TimeProvider.System, NullLogger<ScriptWorkflowCatalog>.Instance);

    public ScriptCache NewCache() => new(Options, NullLogger.Instance, new ScriptTelemetry());

    /// <summary>Runs a loaded script to describe its workflow, as a catalog reload does.</summary>
    public Task DescribeAsync(LoadedScript script, ScriptSource source) =>
        ScriptDeclarer.DeclareAsync(script, source, ScriptMode.Describe, Engine.Definitions.ParameterValues.Empty, Environment, Options.DeclareTimeout, TimeProvider.System, CancellationToken.None);

    /// <summary>
    /// A workflow as people write them: typed parameters, a lock, eleven steps with After/When/Retry/Timeout,
    /// a production approval, a checkpoint and a compensated deploy.
    /// </summary>
    private static string Template(int variant) => string.Create(CultureInfo.InvariantCulture, $$"""
        // Bench workflow {{variant}}: build, test, approve, roll out behind a checkpoint, verify, notify.
        Workflow("deploy-{{variant:000}}", "Deploy an application to an environment (bench variant {{variant}})");
        var app = Param<string>("app", "application name", pattern: "^[a-z][a-z0-9-]{1,40}$", example: "web-app");
        var env = Param<string>("env", "target environment", oneOf: ["dev", "staging", "prod"]);
        var replicas = Param<int>("replicas", "instances to run", defaultValue: 3);
        var dryRun = Param<bool>("dry_run", "plan only, change nothing", defaultValue: false);
        const int Variant = {{variant}};
        static string Tag(string app, int variant) => $"{app}-r{variant:0000}";

        Lock($"{app}/{env}");
        var fetch = Step("fetch", ctx => ctx.SetOutput("commit", Tag(app, Variant)));
        var build = Step("build", async ctx =>
        {
            await Task.Yield();
            ctx.SetOutput("artifact", $"{ctx.Output("fetch", "commit")}.tar.gz");
        }).After(fetch).Retry(3, TimeSpan.FromSeconds(2));
        var unit = Step("unit-tests", ctx => ctx.Log($"{replicas} shards passed")).After(build).Timeout(TimeSpan.FromMinutes(15));
        var lint = Step("lint", ctx => ctx.Log("clean")).After(build).ContinueOnError();
        var gate = Approval("prod-approval").After(unit, lint).When(() => env == "prod")
            .Approvers("role:ops-manager").Required(1).Message($"Deploy {app} to production ({replicas} replicas)");
        var backup = Step("backup", ctx => ctx.SetOutput("snapshot", $"{app}-{env}-{ctx.RunId}")).After(gate).When(() => !dryRun);
        Checkpoint("pre-deploy").After(backup);
        var deploy = Step("deploy", async ctx =>
        {
            for (var i = 0; i < replicas; i++)
            {
                ctx.Progress(100 * (i + 1) / replicas, $"replica {i + 1} of {replicas}");
                await Task.Yield();
            }
        }).After("pre-deploy").Compensate(ctx => ctx.Log($"restored {ctx.Output("backup", "snapshot")}"));
        var migrate = Step("migrate", ctx => ctx.Log("schema up to date")).After(deploy).When(c => c.Output("fetch", "commit") is not null);
        var smoke = Step("smoke-test", async ctx => await Task.Delay(TimeSpan.FromMilliseconds(10), ctx.Clock, ctx.CancellationToken))
            .After(migrate).Retry(5, TimeSpan.FromSeconds(1));
        Step("notify", ctx => ctx.Log($"{app} {Tag(app, Variant)} is live on {env}")).After(smoke);
        """);
}
