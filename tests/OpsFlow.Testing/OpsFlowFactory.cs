using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Bot.Workflows;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Ports;
using OpsFlow.Chat;

namespace OpsFlow.Testing;

/// <summary>
/// The one host factory: the real host on a fresh SQLite file in a temporary folder of its own, with roles set here
/// (not read from the developer's appsettings.json: olivia and mark operate, mark is an ops-manager, ada is an admin,
/// anyone else a viewer) and the test workflows of <see cref="AddWorkflows"/> in place of the built-in catalog. A
/// derived factory changes settings (<see cref="AddSettings"/>), workflows or services; one a browser or another
/// process must reach calls <see cref="StartKestrel"/> (nothing outside the process can reach TestServer).
/// </summary>
public class OpsFlowFactory : WebApplicationFactory<Program>
{
    private readonly string _folder;
    private readonly RunChangeSignal _changes = new();

    public OpsFlowFactory()
        : this("opsflow-api-tests")
    {
    }

    /// <param name="name">Names the temporary folder, so a leftover one says which tests left it.</param>
    protected OpsFlowFactory(string name) =>
        _folder = Path.Combine(Path.GetTempPath(), name, Guid.NewGuid().ToString("n"));

    /// <summary>Where this host keeps everything: its database, logs, workflows, script cache and workflow data.</summary>
    public string Folder => _folder;

    /// <summary>The host's workflows folder; write scripts here before the host starts (its first client).</summary>
    public string WorkflowsPath => Path.Combine(_folder, "workflows");

    /// <summary>Where the host writes its JSON log (Serilog puts the date before ".json").</summary>
    public string LogsFolder => Path.Combine(_folder, "logs");

    /// <summary>The host's archive folder (the history tiers' warm tier).</summary>
    public string ArchiveFolder => Path.Combine(_folder, "archive");

    /// <summary>The host's SQLite file (with its -wal and -shm files next to it).</summary>
    public string DatabasePath => Path.Combine(_folder, "opsflow.db");

    /// <summary>The Kestrel address, without a trailing slash, once <see cref="StartKestrel"/> has run.</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>Pulsed at every run change the host's engine commits: what waits on the host's runs wake on.</summary>
    public Signal RunChanged => _changes.Changed;

    /// <summary>Completes the "slow" workflow's only step.</summary>
    public TaskCompletionSource SlowStepGate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Starts the host on Kestrel at 127.0.0.1 on a free port; a derived constructor calls it last.</summary>
    protected void StartKestrel()
    {
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First().TrimEnd('/');
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:OpsFlow"] = $"Data Source={DatabasePath}",
            // Steps a test leaves running are cancelled at once when its host stops, as before graceful stops existed.
            ["OpsFlow:Engine:ShutdownGracePeriod"] = "00:00:00",
            ["OpsFlow:WorkflowsPath"] = WorkflowsPath,
            ["OpsFlow:Scripts:CachePath"] = Path.Combine(_folder, "script-cache"),
            ["OpsFlow:Scripts:DataPath"] = Path.Combine(_folder, "workflow-data"),
            ["OpsFlow:DataProtection:KeysPath"] = Path.Combine(_folder, "keys"),
            // A test class is a handful of people typing far faster than people do; CommandRateTests checks the limits.
            ["OpsFlow:Teams:CommandsPerUserPerMinute"] = "100000",
            ["OpsFlow:Teams:CommandsPerConversationPerMinute"] = "100000",
            ["OpsFlow:Logs:Path"] = Path.Combine(LogsFolder, "opsflow-.json"),
            ["OpsFlow:Retention:ArchiveFolder"] = ArchiveFolder,
            // Off by default (logs leave with their run for the archive); on here so the step-log job exists for its test.
            ["OpsFlow:Retention:StepLogDays"] = "30",
            ["OpsFlow:Access:DefaultRole"] = "viewer",
            ["OpsFlow:Access:Roles:operator:0"] = "olivia",
            ["OpsFlow:Access:Roles:operator:1"] = "mark",
            ["OpsFlow:Access:Roles:admin:0"] = "ada",
            ["OpsFlow:Access:Roles:ops-manager:0"] = "mark",
        };
        AddSettings(settings);
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => services.AddSingleton<IRunObserver>(_changes));
        if (UsesTestWorkflows)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(sp =>
            {
                var catalog = new InMemoryWorkflowCatalog();
                AddWorkflows(catalog, sp);
                return catalog;
            }));
        }
    }

    /// <summary>Changes the host's configuration keys ("OpsFlow:…") before they are applied.</summary>
    protected virtual void AddSettings(IDictionary<string, string> settings)
    {
    }

    /// <summary>False: the host keeps its own catalog (the scripts of its workflows folder) instead of <see cref="AddWorkflows"/>.</summary>
    protected virtual bool UsesTestWorkflows => true;

    /// <summary>
    /// The test workflows: the host's self-check, "gated" (build, an ops-manager's approval, deploy), "shaped" (a cycle
    /// with shape=loop) and "slow" (waits for <see cref="SlowStepGate"/>). A derived factory adds its own after these,
    /// or replaces them.
    /// </summary>
    protected virtual void AddWorkflows(InMemoryWorkflowCatalog catalog, IServiceProvider services)
    {
        catalog.Add(SelfCheckWorkflow.Build(services.GetRequiredService<IRunStore>(), _folder));
        catalog.Add(Gated());
        // A workflow whose graph depends on its parameters: with shape=loop it declares a cycle.
        var shaped = new WorkflowDescriptor("shaped", "graph depends on a parameter",
            [new ParameterDefinition("shape", ParameterType.Choice) { OneOf = ["line", "loop"] }]);
        catalog.Add(shaped, values =>
        {
            var w = new WorkflowBuilder("shaped", "graph depends on a parameter").Parameter(shaped.Parameters[0]);
            w.Step("a", _ => { }).After(values["shape"] == "loop" ? ["b"] : []);
            w.Step("b", _ => { }).After("a");
            return w.Build();
        });
        var slow = new WorkflowBuilder("slow", "waits for the test");
        slow.Step("wait", _ => SlowStepGate.Task);
        catalog.Add(slow.Build());
    }

    /// <summary>"gated": build, an ops-manager's approval, deploy; its env parameter is dev or prod.</summary>
    protected static WorkflowDefinition Gated(string? envDescription = null)
    {
        var gated = new WorkflowBuilder("gated", "build, approve, deploy")
            .Parameter(new ParameterDefinition("env", ParameterType.Choice) { OneOf = ["dev", "prod"], Description = envDescription });
        var build = gated.Step("build", ctx => ctx.Log("built"));
        var gate = gated.Approval("gate").After(build).Approvers("role:ops-manager");
        gated.Step("deploy", ctx => ctx.Log("deployed")).After(gate);
        return gated.Build();
    }

    /// <summary>
    /// Waits until the chat inbox holds no activity still to handle: every accepted activity's turn has run to its end
    /// (replies sent, runs started), so "nothing was sent" can be asserted then, not after a guessed sleep. Then waits
    /// for the engine to settle too, since a turn may have started a run.
    /// </summary>
    public async Task WaitForChatQuiescenceAsync()
    {
        var chats = Services.GetRequiredService<IChatStore>();
        await Wait.UntilAsync(
            async () => (await chats.GetPendingAsync(DateTimeOffset.MinValue)).Count == 0,
            "every accepted activity to be handled",
            RunChanged,
            describe: async () => $"pending: {string.Join(", ", (await chats.GetPendingAsync(DateTimeOffset.MinValue)).Select(a => a.Key))}",
            poll: TimeSpan.FromMilliseconds(20));
        await Services.GetRequiredService<OpsFlow.Engine.Execution.WorkflowEngine>().WhenQuiescentAsync().WaitAsync(TimeSpan.FromSeconds(20), TimeProvider.System);
    }

    /// <summary>A TCP port nobody listens on now.</summary>
    public static int FreePort() => HostProcess.FreePort();

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        // A deploy's app is started detached to outlive the host; the test that made it must not let it outlive the suite.
        OwnedProcesses.Stop(_folder);
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file may still be held for a moment; leftover temp files are harmless.
        }
    }
}
