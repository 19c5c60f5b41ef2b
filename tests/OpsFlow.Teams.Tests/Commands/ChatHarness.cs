using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Teams.Cards;
using OpsFlow.Teams.Commands;
using OpsFlow.Teams.Connector;
using OpsFlow.Teams.Inbound;
using OpsFlow.Chat;
using OpsFlow.Teams.Protocol;
using OpsFlow.Teams.Publishing;
using Xunit.Sdk;

namespace OpsFlow.Teams.Tests.Commands;

/// <summary>
/// The chat handler as the host wires it (TeamsSetup's registrations), on the <see cref="EngineHarness"/> (a real
/// engine with an in-memory store and a fake clock), a recording connector and a fake run-card publisher. People: user-id-0 operator (requests runs),
/// user-id-1 admin and ops-manager, user-id-2 operator and ops-manager through the group "sre", user-id-3 nobody
/// (viewer), user-id-4 ops-manager by the UPN the connector reports for them.
/// </summary>
public sealed class ChatHarness : IAsyncDisposable
{
    /// <summary>The Entra object id Teams gives a person in these tests: a GUID, as real object ids are, one per name.</summary>
    public static string ObjectIdOf(string user) =>
        new Guid(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(user)).AsSpan(0, 16)).ToString();

    public const string Requester = "user-id-0";
    public const string Admin = "user-id-1";
    public const string Sre = "user-id-2";
    public const string Viewer = "user-id-3";
    public const string ByUpn = "user-id-4";
    public const string BotId = "28:opsflow-bot";
    public const string ConversationId = "conv-1";
    private readonly ServiceProvider _services;
    private readonly EngineHarness _engine;
    private int _activities;

    /// <param name="chats">A chat store shared with another harness: a second host on the same database.</param>
    public ChatHarness(IRunSchedules? schedules = null, string? dashboardUrl = null, Action<AccessOptions>? access = null, OpsFlow.Chat.IChatStore? chats = null, string? defaultConversation = null, INodeListing? nodes = null)
    {
        var options = new AccessOptions
        {
            Roles =
            {
                [Roles.Operator] = [Requester, "group:sre"],
                [Roles.Admin] = [Admin],
                ["ops-manager"] = [Admin, "group:sre", "erin@contoso.com"],
            },
            Groups = { ["sre"] = [Sre] },
        };
        access?.Invoke(options);
        Connector = new MemberConnector(Clock) { Upns = { [ByUpn] = "erin@contoso.com" } };
        Cards = new FakeRunCards(Store);
        _engine = new EngineHarness(Store, Clock, Catalog);
        Workflows.AddTo(Catalog, () => FlakyFails);
        // The registrations the host makes (TeamsSetup), then the test's own ports and fakes, which win.
        var services = new ServiceCollection().AddLogging();
        if (chats is not null)
        {
            services.AddSingleton(chats);
        }

        services.AddOpsFlowTeams(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        services
            .AddSingleton<TimeProvider>(Clock)
            .AddSingleton(new TeamsOptions { DashboardUrl = dashboardUrl, DefaultConversation = defaultConversation })
            .AddSingleton(options)
            .AddSingleton<IRunStore>(Store)
            .AddSingleton<IWorkflowCatalog>(Catalog)
            .AddSingleton<IRunReports>(new InMemoryRunReports(Store))
            .AddSingleton(Engine)
            .AddSingleton(_engine.Get<EmergencyStopCommands>())
            .AddSingleton<IConnectorClient>(Connector)
            .AddSingleton<IRunCards>(Cards);
        if (schedules is not null)
        {
            services.AddSingleton(schedules);
        }

        if (nodes is not null)
        {
            services.AddSingleton(nodes);
        }

        _services = services.BuildServiceProvider();
        Handler = _services.GetRequiredService<IChatHandler>();
    }

    /// <summary>While true, the "flaky" workflow's step fails.</summary>
    public bool FlakyFails { get; set; }

    public FakeTimeProvider Clock { get; } = new(EngineHarness.Start);

    public InMemoryRunStore Store { get; } = new();

    public InMemoryWorkflowCatalog Catalog { get; } = new();

    public WorkflowEngine Engine => _engine.Engine;

    public MemberConnector Connector { get; }

    public FakeRunCards Cards { get; }

    public IChatHandler Handler { get; }

    /// <summary>Everything the bot sent into conversations, oldest first.</summary>
    public IReadOnlyList<Activity> Sent => Connector.Recorded.Calls.Where(c => c.Kind == "Send").Select(c => c.Activity).ToArray();

    public string LastText => Sent.LastOrDefault(a => a.Text is not null)?.Text ?? throw new XunitException("The bot sent no text.");

    public AdaptiveCard LastCard => Sent.LastOrDefault(a => a.Attachments is { Count: > 0 })?.Attachments![0].Content as AdaptiveCard
        ?? throw new XunitException("The bot sent no card.");

    public Activity Message(string text, string from = Requester, string? id = null, string conversationType = "personal", IReadOnlyList<JsonObject>? entities = null) => new()
    {
        Type = ActivityTypes.Message,
        Id = id ?? $"activity-{Interlocked.Increment(ref _activities)}",
        Text = text,
        ServiceUrl = "http://localhost:56150/_connector",
        ChannelId = "msteams",
        From = new ChannelAccount { Id = from, Name = $"Person {from}", AadObjectId = ObjectIdOf(from) },
        Recipient = new ChannelAccount { Id = BotId, Name = "OpsFlow" },
        Conversation = new ConversationAccount { Id = ConversationId, ConversationType = conversationType },
        Entities = entities,
    };

    public Turn TurnOf(Activity activity) => new(activity, new ConversationReference(
        activity.Conversation!.Id!, activity.ServiceUrl!, "msteams", BotId, "OpsFlow", "tenant-1", activity.Conversation.ConversationType, Clock.GetUtcNow()));

    public Task SayAsync(string text, string from = Requester, string? id = null) => Handler.OnMessageAsync(TurnOf(Message(text, from, id)), CancellationToken.None);

    public Task SendAsync(Activity activity) => Handler.OnMessageAsync(TurnOf(activity), CancellationToken.None);

    /// <summary>Presses a run card's button as Teams sends it: an adaptiveCard/action invoke with the verb and data.</summary>
    public Task<InvokeResponse> ClickAsync(string verb, string runId, string step, string round, string from, string? reason = null)
    {
        var data = new JsonObject { ["runId"] = runId, ["step"] = step, ["round"] = round };
        if (reason is not null)
        {
            data["reason"] = reason;
        }

        var value = new JsonObject { ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = verb, ["data"] = data } };
        var invoke = Message(string.Empty, from) with
        {
            Type = ActivityTypes.Invoke,
            Name = ActivityTypes.AdaptiveCardAction,
            Text = null,
            Value = System.Text.Json.JsonSerializer.SerializeToElement(value),
        };
        return Handler.OnCardActionAsync(TurnOf(invoke), CancellationToken.None);
    }

    /// <summary>Starts a run as <paramref name="by"/> through the engine (not chat), for tests about later commands.</summary>
    public async Task<RunRecord> StartAsync(string workflow, string by = Requester, params (string Name, string Value)[] parameters)
    {
        var actor = _services.GetRequiredService<ActorDirectory>().Resolve(by, $"Person {by}");
        var result = await Engine.StartAsync(new StartRunRequest(workflow, parameters.ToDictionary(p => p.Name, p => (string?)p.Value), actor, "test"));
        return Assert.IsType<StartRunResult.Started>(result).Run;
    }

    public Task<RunRecord> WaitForRunAsync(string runId, RunStatus status) => _engine.WaitForRunAsync(runId, status);

    public Task<StepRecord> WaitForStepAsync(string runId, string step, StepStatus status) => _engine.WaitForStepAsync(runId, step, status);

    public Task<StepRecord> StepAsync(string runId, string step) => _engine.StepAsync(runId, step);

    public async Task<IReadOnlyList<RunRecord>> RunsAsync() => (await Store.ListRunsAsync(new RunQuery { Take = 100 })).Runs;

    public async ValueTask DisposeAsync()
    {
        await _engine.DisposeAsync();
        await _services.DisposeAsync();
    }
}
