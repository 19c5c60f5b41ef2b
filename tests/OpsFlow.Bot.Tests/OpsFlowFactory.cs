using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Engine.Definitions;
using OpsFlow.Bot.Workflows;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Bot.Tests;

/// <summary>
/// The real host on a fresh SQLite file, with roles set here (not read from the developer's appsettings.json)
/// and two test workflows added to the built-in catalog.
/// </summary>
public class OpsFlowFactory : WebApplicationFactory<Program>
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "opsflow-api-tests", Guid.NewGuid().ToString("n"));

    /// <summary>The host's workflows folder; write scripts here before the host starts (its first client).</summary>
    public string WorkflowsPath => Path.Combine(_folder, "workflows");

    /// <summary>Where the host writes its JSON log (Serilog puts the date before ".json").</summary>
    public string LogsFolder => Path.Combine(_folder, "logs");

    /// <summary>The host's SQLite file (with its -wal and -shm files next to it).</summary>
    public string DatabasePath => Path.Combine(_folder, "opsflow.db");

    public TaskCompletionSource SlowStepGate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:OpsFlow", $"Data Source={Path.Combine(_folder, "opsflow.db")}");
        // Steps a test leaves running are cancelled at once when its host stops, as before graceful stops existed.
        builder.UseSetting("OpsFlow:Engine:ShutdownGracePeriod", "00:00:00");
        builder.UseSetting("OpsFlow:WorkflowsPath", Path.Combine(_folder, "workflows"));
        builder.UseSetting("OpsFlow:Scripts:CachePath", Path.Combine(_folder, "script-cache"));
        builder.UseSetting("OpsFlow:Scripts:DataPath", Path.Combine(_folder, "workflow-data"));
        builder.UseSetting("OpsFlow:Logs:Path", Path.Combine(_folder, "logs", "opsflow-.json"));
        builder.UseSetting("OpsFlow:Access:DefaultRole", "viewer");
        builder.UseSetting("OpsFlow:Access:Roles:operator:0", "olivia");
        builder.UseSetting("OpsFlow:Access:Roles:operator:1", "mark");
        builder.UseSetting("OpsFlow:Access:Roles:admin:0", "ada");
        builder.UseSetting("OpsFlow:Access:Roles:ops-manager:0", "mark");
        builder.ConfigureTestServices(services => services.AddSingleton(sp =>
        {
            var catalog = new InMemoryWorkflowCatalog();
            catalog.Add(SelfCheckWorkflow.Build(sp.GetRequiredService<IRunStore>(), _folder));
            var gated = new WorkflowBuilder("gated", "build, approve, deploy")
                .Parameter(new ParameterDefinition("env", ParameterType.Choice) { OneOf = ["dev", "prod"] });
            var build = gated.Step("build", ctx => ctx.Log("built"));
            var gate = gated.Approval("gate").After(build).Approvers("role:ops-manager");
            gated.Step("deploy", ctx => ctx.Log("deployed")).After(gate);
            catalog.Add(gated.Build());
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
            AddWorkflows(catalog);
            return catalog;
        }));
    }

    /// <summary>More workflows for a derived factory's tests.</summary>
    protected virtual void AddWorkflows(InMemoryWorkflowCatalog catalog)
    {
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Leftover temp files are harmless.
        }
    }
}
