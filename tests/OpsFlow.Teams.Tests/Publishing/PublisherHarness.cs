using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Teams.Connector;
using OpsFlow.Teams.Inbound;
using OpsFlow.Chat;
using OpsFlow.Teams.Publishing;

namespace OpsFlow.Teams.Tests.Publishing;

/// <summary>
/// A publisher over an in-memory run store and a recording connector, on a fake clock. Tests write run changes
/// to the store, announce them as the engine does, and move time with <see cref="AdvanceAsync"/>, which runs the
/// publisher's pump exactly when its loop would wake: deterministic, no real waiting.
/// </summary>
internal sealed class PublisherHarness
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    public PublisherHarness(TeamsOptions? options = null)
    {
        Clock = new FakeTimeProvider(T0);
        Connector = new RecordingConnector(Clock);
        Catalog.Add(Deploy());
        Options = options ?? new TeamsOptions { DashboardUrl = "http://localhost:5000" };
        Publisher = NewPublisher();
    }

    public FakeTimeProvider Clock { get; }

    public InMemoryRunStore Store { get; } = new();

    public InMemoryChatStore Chats { get; } = new();

    public InMemoryWorkflowCatalog Catalog { get; } = new();

    public RecordingConnector Connector { get; }

    public TeamsOptions Options { get; }

    public AccessOptions Access { get; } = new() { Roles = { ["ops-manager"] = ["megan@contoso.com", "user-id-2"] } };

    public RunCardPublisher Publisher { get; private set; }

    /// <summary>The card journal the next <see cref="Restart"/> gives the publisher; none by default.</summary>
    public RunCardJournal? Journal { get; set; }

    /// <summary>The connector the next <see cref="Restart"/> gives the publisher instead of <see cref="Connector"/>.</summary>
    public IConnectorClient? ConnectorInstead { get; set; }

    /// <summary>The chat store the next <see cref="Restart"/> gives the publisher instead of <see cref="Chats"/> (a wrapper of it, say).</summary>
    public IChatStore? ChatsInstead { get; set; }

    /// <summary>A new process on the same stores: the previous publisher's memory (pending writes) is gone.</summary>
    public void Restart() => Publisher = NewPublisher();

    private RunCardPublisher NewPublisher()
    {
        var source = new RunCardSource(Store, Catalog, new RunDurationEstimates(Store, Clock, NullLogger<RunDurationEstimates>.Instance), Options, Clock, NullLogger<RunCardSource>.Instance);
        var chats = ChatsInstead ?? Chats;
        return new RunCardPublisher(source, Store, chats, new ConversationDirectory(chats, Clock), ConnectorInstead ?? Connector, Options, Access, Clock, NullLogger<RunCardPublisher>.Instance, journal: Journal);
    }

    /// <summary>build (3 attempts) → prod-approval (ops managers or the tech lead) → stop (undone on rollback).</summary>
    public static WorkflowDefinition Deploy()
    {
        var workflow = new WorkflowBuilder("deploy", "Deploy an application");
        var build = workflow.Step("build", _ => { }).Retry(3, TimeSpan.FromSeconds(1));
        var gate = workflow.Approval("prod-approval").After(build).Approvers("role:ops-manager", "tech-lead@contoso.com").EscalateTo("oncall-lead").Message("Deploy web-app to production");
        workflow.Step("stop", _ => { }).After(gate).Compensate(_ => { });
        return workflow.Build();
    }

    public async Task<ConversationReference> ConversationAsync(string id)
    {
        var reference = new ConversationReference(id, "http://localhost:56150/_connector", "msteams", "bot-id", "OpsFlow", "tenant", "groupChat", Clock.GetUtcNow());
        await Chats.SaveConversationAsync(reference);
        return reference;
    }

    public async Task<RunRecord> CreateRunAsync(string id, string? replyTo, string trigger = "chat")
    {
        var run = new RunRecord
        {
            Id = id,
            Workflow = "deploy",
            Status = RunStatus.Pending,
            Parameters = new Dictionary<string, string>(),
            RequestedById = "user-id-0",
            RequestedByName = "Alex Wilber",
            Trigger = trigger,
            ReplyTo = replyTo,
            CreatedAt = Clock.GetUtcNow(),
        };
        string[] names = ["build", "prod-approval", "stop"];
        var steps = names.Select((name, i) => new StepRecord { RunId = id, Name = name, Position = i, Status = StepStatus.Pending }).ToArray();
        await Store.CreateRunAsync(new NewRun(run, steps, new HistoryEntry(id, 1, run.CreatedAt, HistoryKind.Run, "test", null, null, "Pending", "created")));
        await Publisher.OnRunChangedAsync(new RunChanged(run, steps, []));
        return run;
    }

    /// <summary>Saves a change of the run and its steps, then announces it as the engine does.</summary>
    public async Task ChangeAsync(string runId, Func<RunRecord, RunRecord> run, params (string Name, Func<StepRecord, StepRecord> Change)[] steps)
    {
        var before = (await Store.GetRunAsync(runId))!;
        var after = run(before) with { Version = before.Version + 1 };
        var current = await Store.GetStepsAsync(runId);
        var changed = steps.Select(s => s.Change(current.Single(c => c.Name == s.Name))).ToArray();
        await Store.SaveAsync(new RunChange(after, before.Version) { Steps = changed });
        await Publisher.OnRunChangedAsync(new RunChanged(after, changed, []));
    }

    public Task SetStatusAsync(string runId, RunStatus status) => ChangeAsync(runId, r => r with
    {
        Status = status,
        StartedAt = r.StartedAt ?? Clock.GetUtcNow(),
        EndedAt = status is RunStatus.Succeeded or RunStatus.RolledBack or RunStatus.Failed or RunStatus.Cancelled ? Clock.GetUtcNow() : null,
    });

    /// <summary>Moves the fake clock forward, running the publisher whenever its loop would wake in between.</summary>
    public async Task AdvanceAsync(TimeSpan span)
    {
        var end = Clock.GetUtcNow() + span;
        while (true)
        {
            var wait = await Publisher.PumpAsync(CancellationToken.None);
            var now = Clock.GetUtcNow();
            if (wait is not { } due || now + due > end)
            {
                Clock.SetUtcNow(end);
                await Publisher.PumpAsync(CancellationToken.None);
                return;
            }

            Clock.SetUtcNow(now + due);
        }
    }
}
