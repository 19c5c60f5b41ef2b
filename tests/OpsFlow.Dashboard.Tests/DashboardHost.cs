using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.InProcess;

namespace OpsFlow.Dashboard.Tests;

/// <summary>
/// The real host on Kestrel at 127.0.0.1 on a free port (a browser cannot reach TestServer), on a fresh SQLite
/// file, development mode, with roles and test workflows set here. Steps of "stepped" wait for the test.
/// </summary>
public sealed class DashboardHost : WebApplicationFactory<Program>
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "opsflow-dashboard-tests", Guid.NewGuid().ToString("n"));
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new();

    public DashboardHost()
    {
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First().TrimEnd('/');
    }

    public string BaseUrl { get; }

    /// <summary>Lets step <paramref name="step"/> of the "stepped" run started with key=<paramref name="key"/> finish.</summary>
    public void Release(string key, string step) => Gate(key, step).TrySetResult();

    /// <summary>Lets every step waiting on a gate finish.</summary>
    public void ReleaseAll()
    {
        foreach (var gate in _gates.Values)
        {
            gate.TrySetResult();
        }
    }

    private TaskCompletionSource Gate(string key, string step) =>
        _gates.GetOrAdd($"{key}/{step}", _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("urls", "http://127.0.0.1:0");
        builder.UseSetting("ConnectionStrings:OpsFlow", $"Data Source={Path.Combine(_folder, "opsflow.db")}");
        // Steps a test leaves running are cancelled at once when its host stops, as before graceful stops existed.
        builder.UseSetting("OpsFlow:Engine:ShutdownGracePeriod", "00:00:00");
        builder.UseSetting("OpsFlow:WorkflowsPath", Path.Combine(_folder, "workflows"));
        builder.UseSetting("OpsFlow:Scripts:CachePath", Path.Combine(_folder, "script-cache"));
        builder.UseSetting("OpsFlow:Scripts:DataPath", Path.Combine(_folder, "workflow-data"));
        builder.UseSetting("OpsFlow:Access:DefaultRole", "viewer");
        builder.UseSetting("OpsFlow:Access:Roles:operator:0", "olivia");
        builder.UseSetting("OpsFlow:Access:Roles:operator:1", "mark");
        builder.UseSetting("OpsFlow:Access:Roles:admin:0", "ada");
        builder.UseSetting("OpsFlow:Access:Roles:ops-manager:0", "mark");
        builder.ConfigureTestServices(services => services.AddSingleton(_ =>
        {
            var catalog = new InMemoryWorkflowCatalog();
            var gated = new WorkflowBuilder("gated", "build, approve, deploy")
                .Parameter(new ParameterDefinition("env", ParameterType.Choice) { OneOf = ["dev", "prod"], Description = "where to deploy" });
            var build = gated.Step("build", ctx => ctx.Log("built"));
            var gate = gated.Approval("gate").After(build).Approvers("role:ops-manager");
            gated.Step("deploy", ctx => ctx.Log("deployed")).After(gate);
            catalog.Add(gated.Build());

            var key = new ParameterDefinition("key") { Description = "names the test's gates" };
            var stepped = new WorkflowBuilder("stepped", "two steps in a row, each waiting for the test").Parameter(key);
            var first = stepped.Step("first", async ctx =>
            {
                ctx.Log("first is waiting for the test");
                await Gate(ctx.Parameters["key"], "first").Task.WaitAsync(ctx.CancellationToken);
            });
            stepped.Step("second", async ctx => await Gate(ctx.Parameters["key"], "second").Task.WaitAsync(ctx.CancellationToken)).After(first);
            stepped.Step("side", ctx => ctx.Log("side ran")).After(first);
            catalog.Add(stepped.Build());

            // Used only by the reports test, so their numbers are known exactly.
            var tally = new WorkflowBuilder("tally", "always succeeds");
            tally.Step("count", ctx => ctx.Log("counted"));
            catalog.Add(tally.Build());
            var broken = new WorkflowBuilder("broken", "always fails");
            broken.Step("write", _ => throw new IOException("disk full"));
            catalog.Add(broken.Build());
            return catalog;
        }));
    }

    protected override void Dispose(bool disposing)
    {
        ReleaseAll();
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
