using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace OpsFlow.Playground.Tests;

/// <summary>
/// The real host on Kestrel at 127.0.0.1 on a free port (the Playground and the browser cannot reach TestServer),
/// on a fresh SQLite file, with the repository's workflows and the development roles of appsettings.json for the
/// Playground's mock users: user-id-0 (Alex, the UI's user) operator, user-id-1 (Megan) admin and ops-manager,
/// user-id-2 (Adele) ops-manager. No Teams app id: the Playground sends no tokens. The host's own Playground is
/// off; the fixture starts a fresh one per test class.
/// </summary>
public sealed class PlaygroundHost : WebApplicationFactory<Program>
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "opsflow-playground-tests", Guid.NewGuid().ToString("n"));
    private readonly IReadOnlyDictionary<string, string> _settings;

    /// <summary>Starts the host; <paramref name="settings"/> override the test configuration below.</summary>
    public PlaygroundHost(IReadOnlyDictionary<string, string>? settings = null)
    {
        _settings = settings ?? new Dictionary<string, string>();
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First().TrimEnd('/');
    }

    public string BaseUrl { get; }

    public string MessagesUrl => BaseUrl + "/api/messages";

    public MessagesRecorder Messages { get; } = new();

    /// <summary>The port the deploy workflow starts its app on, free when the host starts.</summary>
    public int DeployPort { get; } = FreePort();

    public string Folder => _folder;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var workflows = Path.Combine(Repository.Root, "workflows");
        builder.UseSetting("urls", "http://127.0.0.1:0");
        builder.UseSetting("ConnectionStrings:OpsFlow", $"Data Source={Path.Combine(_folder, "opsflow.db")}");
        // Steps a test leaves running are cancelled at once when its host stops, as before graceful stops existed.
        builder.UseSetting("OpsFlow:Engine:ShutdownGracePeriod", "00:00:00");
        builder.UseSetting("OpsFlow:WorkflowsPath", workflows);
        builder.UseSetting("OpsFlow:Scripts:CachePath", Path.Combine(_folder, "script-cache"));
        builder.UseSetting("OpsFlow:Scripts:DataPath", Path.Combine(_folder, "workflow-data"));
        builder.UseSetting("OpsFlow:Scripts:Watch", "false");
        builder.UseSetting("OpsFlow:Playground:Enabled", "false");
        builder.UseSetting("OpsFlow:Teams:AppId", string.Empty);
        builder.UseSetting("OpsFlow:Access:DefaultRole", "viewer");
        builder.UseSetting("OpsFlow:Access:Roles:operator:0", "user-id-0");
        builder.UseSetting("OpsFlow:Access:Roles:admin:0", "user-id-1");
        builder.UseSetting("OpsFlow:Access:Roles:ops-manager:0", "user-id-1");
        builder.UseSetting("OpsFlow:Access:Roles:ops-manager:1", "user-id-2");
        builder.UseSetting("OpsFlow:WorkflowSettings:deploy:source", Path.Combine(workflows, "apps", "hello"));
        builder.UseSetting("OpsFlow:WorkflowSettings:deploy:port", DeployPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("OpsFlow:WorkflowSettings:deploy:health-attempts", "30");
        builder.UseSetting("OpsFlow:WorkflowSettings:deploy:health-interval-ms", "500");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter>(Messages));
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
        catch (UnauthorizedAccessException)
        {
            // A deployed test app may still hold a file for a moment; the temp folder is cleaned by the OS.
        }
    }
}
