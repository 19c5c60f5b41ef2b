using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.InProcess;
using OpsFlow.Scripting.Api;
using OpsFlow.Teams.Connector;
using OpsFlow.Teams.Tests.Connector;
using Serilog.Core;
using Serilog.Events;

namespace OpsFlow.Teams.Tests.Reliability;

/// <summary>
/// The real host with a secret configured as an operator would (<c>OpsFlow:Secrets:deploy-token</c>), every log
/// event captured at the most verbose level, the stub connector, and a workflow that does everything wrong with
/// the secret: logs it, makes it an output, echoes it from a process to stdout and stderr, and fails with it in
/// the process's command line and output. And <c>argv</c>, which hands its parameter to a process as one argument.
/// </summary>
public sealed class ReliabilityFactory : OpsFlowFactory
{
    public const string Secret = "tk-9f2c41e7-Secr3t-Value";

    public StubConnectorHandler Connector { get; } = new();

    public CapturedLog Log { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("OpsFlow:Playground:Enabled", "false");
        builder.UseSetting("OpsFlow:Teams:DashboardUrl", "https://opsflow.example.com");
        builder.UseSetting("OpsFlow:Secrets:deploy-token", Secret);
        builder.UseSetting("Serilog:MinimumLevel:Default", "Verbose");
        builder.UseSetting("Serilog:MinimumLevel:Override:OpsFlow.Engine", "Verbose");
        builder.UseSetting("Serilog:MinimumLevel:Override:Microsoft.AspNetCore", "Verbose");
        builder.ConfigureTestServices(services =>
        {
            services.AddHttpClient<IConnectorClient, ConnectorClient>().ConfigurePrimaryHttpMessageHandler(() => Connector);
            // Serilog reads sinks from the services (ReadFrom.Services): this one sees every event the host logs.
            services.AddSingleton<ILogEventSink>(Log);
        });
    }

    /// <summary>Posts an activity to /api/messages as the channel would.</summary>
    public async Task<HttpResponseMessage> PostActivityAsync(System.Text.Json.Nodes.JsonObject activity) =>
        await CreateClient().PostAsync("/api/messages", System.Net.Http.Json.JsonContent.Create(activity));

    protected override void AddWorkflows(InMemoryWorkflowCatalog catalog, IServiceProvider services)
    {
        base.AddWorkflows(catalog, services);
        var leak = new WorkflowBuilder("leak", "uses a secret carelessly");
        var echo = leak.Step("echo", async ctx =>
        {
            var token = ctx.Secret("deploy-token");
            ctx.Log($"using token {token}");
            ctx.SetOutput("token", token);
            await ctx.Run("sh", ["-c", "echo \"stdout token=$0\"; echo \"stderr token=$0\" >&2", token]);
        });
        leak.Step("fail", async ctx =>
        {
            var token = ctx.Secret("deploy-token");
            await ctx.Run("sh", ["-c", "echo \"rejected $0\"; exit 3", token]);
        }).After(echo);
        catalog.Add(leak.Build());

        // printf prints "[value]" once per argument it is given: one line means one argv item.
        var argv = new WorkflowDescriptor("argv", "passes its parameter to a process", [new ParameterDefinition("value", ParameterType.String)]);
        catalog.Add(argv, values =>
        {
            var w = new WorkflowBuilder("argv", "passes its parameter to a process").Parameter(argv.Parameters[0]);
            w.Step("print", async ctx => await ctx.Run("printf", ["[%s]\\n", values["value"]]));
            return w.Build();
        });
    }
}

/// <summary>Every log event as text: the rendered message, every property and the exception with its stack.</summary>
public sealed class CapturedLog : ILogEventSink
{
    private readonly ConcurrentQueue<string> _events = new();
    private readonly ConcurrentQueue<(LogEventLevel Level, int? EventId, string Text, bool HasException)> _entries = new();

    public IReadOnlyCollection<string> Events => _events;

    /// <summary>Every event with its level and event id, for tests that count outcomes rather than read text.</summary>
    public IReadOnlyCollection<(LogEventLevel Level, int? EventId, string Text, bool HasException)> Entries => _entries;

    public void Emit(LogEvent logEvent)
    {
        var properties = string.Join(" ", logEvent.Properties.Select(p => $"{p.Key}={p.Value}"));
        var text = $"{logEvent.Level} {logEvent.RenderMessage()} {properties} {logEvent.Exception}";
        _events.Enqueue(text);
        _entries.Enqueue((logEvent.Level, EventIdOf(logEvent), text, logEvent.Exception is not null));
    }

    private static int? EventIdOf(LogEvent logEvent) =>
        logEvent.Properties.TryGetValue("EventId", out var value) && value is StructureValue structure
            && structure.Properties.FirstOrDefault(p => p.Name == "Id")?.Value is ScalarValue { Value: int id }
            ? id
            : null;
}
