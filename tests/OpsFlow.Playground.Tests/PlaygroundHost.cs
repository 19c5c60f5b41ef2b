using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace OpsFlow.Playground.Tests;

/// <summary>
/// The host factory on Kestrel (the Playground and the browser cannot reach TestServer), with the repository's
/// workflows and roles for the Playground's mock users: user-id-0 (Alex, the UI's user) operator and ops-manager (the
/// Playground streams only Alex's chats, so only he can be shown an approval copy in person), user-id-1 (Megan) admin
/// and ops-manager, user-id-2 (Adele) ops-manager. No Teams app id:
/// the Playground sends no tokens. The host's own Playground is off; the fixture starts a fresh one per test class.
/// </summary>
public sealed class PlaygroundHost : OpsFlowFactory
{
    private readonly IReadOnlyDictionary<string, string> _settings;

    /// <summary>Starts the host; <paramref name="settings"/> override the test configuration below.</summary>
    public PlaygroundHost(IReadOnlyDictionary<string, string>? settings = null)
        : base("opsflow-playground-tests")
    {
        _settings = settings ?? new Dictionary<string, string>();
        StartKestrel();
    }

    public string MessagesUrl => BaseUrl + "/api/messages";

    public MessagesRecorder Messages { get; } = new();

    /// <summary>The port the deploy workflow starts its app on, free when the host starts.</summary>
    public int DeployPort { get; } = FreePort();

    protected override bool UsesTestWorkflows => false;

    protected override void AddSettings(IDictionary<string, string> settings)
    {
        var workflows = Path.Combine(Repository.Root, "workflows");
        foreach (var role in settings.Keys.Where(k => k.StartsWith("OpsFlow:Access:Roles:", StringComparison.Ordinal)).ToArray())
        {
            settings.Remove(role);
        }

        settings["OpsFlow:WorkflowsPath"] = workflows;
        settings["OpsFlow:Scripts:Watch"] = "false";
        settings["OpsFlow:Playground:Enabled"] = "false";
        settings["OpsFlow:Teams:AppId"] = string.Empty;
        // As shipped: runs started outside chat post their card in the Playground's group chat.
        settings["OpsFlow:Teams:Conversations:ops"] = "opsflow-group-chat";
        settings["OpsFlow:Teams:DefaultConversation"] = "ops";
        settings["OpsFlow:Access:Roles:operator:0"] = "user-id-0";
        settings["OpsFlow:Access:Roles:admin:0"] = "user-id-1";
        settings["OpsFlow:Access:Roles:ops-manager:0"] = "user-id-1";
        settings["OpsFlow:Access:Roles:ops-manager:1"] = "user-id-2";
        settings["OpsFlow:Access:Roles:ops-manager:2"] = "user-id-0";
        settings["OpsFlow:WorkflowSettings:deploy:source"] = Path.Combine(workflows, "apps", "hello");
        settings["OpsFlow:WorkflowSettings:deploy:port"] = DeployPort.ToString(CultureInfo.InvariantCulture);
        settings["OpsFlow:WorkflowSettings:deploy:health-attempts"] = "30";
        settings["OpsFlow:WorkflowSettings:deploy:health-interval-ms"] = "500";
        foreach (var (key, value) in _settings)
        {
            settings[key] = value;
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter>(Messages));
    }
}
