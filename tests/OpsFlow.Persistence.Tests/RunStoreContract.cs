using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Persistence.Tests;

/// <summary>
/// What every <see cref="IRunStore"/> must do. Each store runs this whole suite by subclassing it, so the
/// engine can rely on the same behaviour from memory, SQLite and (later) PostgreSQL.
/// </summary>
public abstract partial class RunStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = RunStoreContractFixtures.T0;

    protected IRunStore Store { get; set; } = null!;

    protected abstract Task<IRunStore> CreateStoreAsync();

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected static NewRun NewRun(string id, string? lockKey = null, string? requestId = null, bool queue = false, int minute = 0, string workflow = "deploy", string by = "alice") =>
        RunStoreContractFixtures.NewRun(id, lockKey, requestId, queue, minute, workflow, by);

    [Fact]
    public async Task CreateRun_ThenRead_GivesBackWhatWasStored()
    {
        var created = Assert.IsType<CreateRunResult.Created>(await Store.CreateRunAsync(NewRun("r1")));

        Assert.True(created.LockAcquired);
        var run = await Store.GetRunAsync("r1");
        Assert.NotNull(run);
        Assert.Equal(created.Run, run with { Parameters = created.Run.Parameters });
        Assert.Equal(created.Run.Parameters, run.Parameters);
        Assert.Equal(["build", "deploy"], (await Store.GetStepsAsync("r1")).Select(s => s.Name));
        Assert.Equal("requested", Assert.Single(await Store.GetHistoryAsync("r1")).Reason);
    }

    [Fact]
    public async Task CreateRun_KeepsTheRequestersOtherNames_ForTheFourEyesRule()
    {
        var made = NewRun("r-aliases");
        await Store.CreateRunAsync(made with { Run = made.Run with { RequestedByAliases = ["0f1e-object-id", "alice@contoso.com"] } });

        var run = await Store.GetRunAsync("r-aliases");

        Assert.Equal(["0f1e-object-id", "alice@contoso.com"], run?.RequestedByAliases);
    }

    [Fact]
    public async Task GetRun_Unknown_IsNull()
    {
        Assert.Null(await Store.GetRunAsync("missing"));
        Assert.Empty(await Store.GetStepsAsync("missing"));
    }

    [Fact]
    public async Task CreateRun_SameRequestId_ReturnsTheFirstRunAndCreatesNothing()
    {
        await Store.CreateRunAsync(NewRun("r1", requestId: "activity-7"));

        var again = await Store.CreateRunAsync(NewRun("r2", requestId: "activity-7"));

        Assert.Equal("r1", Assert.IsType<CreateRunResult.Duplicate>(again).Existing.Id);
        Assert.Null(await Store.GetRunAsync("r2"));
    }

    [Fact]
    public async Task CreateRun_LockHeld_RefusesNamingTheHolder_OrQueuesWhenAsked()
    {
        await Store.CreateRunAsync(NewRun("holder", lockKey: "web/prod"));

        var refused = await Store.CreateRunAsync(NewRun("second", lockKey: "web/prod"));
        var queued = await Store.CreateRunAsync(NewRun("third", lockKey: "web/prod", queue: true, minute: 1));

        Assert.Equal("holder", Assert.IsType<CreateRunResult.LockHeld>(refused).Holder.Id);
        Assert.Null(await Store.GetRunAsync("second"));
        var made = Assert.IsType<CreateRunResult.Created>(queued);
        Assert.False(made.LockAcquired);
        Assert.Equal("holder", made.HolderRunId);
        Assert.Equal(["third"], (await Store.GetQueuedRunsAsync("web/prod")).Select(r => r.Id).Where(id => id != "holder"));
    }

    [Fact]
    public async Task Save_AppliesRunStepsHistoryAndLogs_Atomically()
    {
        var created = Assert.IsType<CreateRunResult.Created>(await Store.CreateRunAsync(NewRun("r1")));
        var running = created.Run with { Status = RunStatus.Running, StartedAt = T0, HistorySeq = 3, Version = 2 };
        var step = (await Store.GetStepsAsync("r1"))[0] with
        {
            Status = StepStatus.Succeeded,
            Attempt = 1,
            Outputs = new Dictionary<string, string> { ["artifact"] = "web-1.2.tgz" },
            Votes = [new ApprovalVote("bob", "Bob", true, "ok", T0)],
            Findings = [new Finding(FindingLevel.Ok, "memory 40% free"), new Finding(FindingLevel.Warning, "disk / 93% used")],
            CompletedSeq = 1,
            DueAt = T0.AddSeconds(30),
            CpuMilliseconds = 2_340,
            PeakMemoryBytes = 5_000_000_000,
            Items = [new StepItem("web-1", ItemStatus.Succeeded), new StepItem("web-2", ItemStatus.Failed, "unhealthy")],
        };

        await Store.SaveAsync(new RunChange(running, 1)
        {
            Steps = [step],
            History =
            [
                new HistoryEntry("r1", 2, T0, HistoryKind.Run, "system", null, "Pending", "Running", "started"),
                new HistoryEntry("r1", 3, T0, HistoryKind.Step, "system", "build", "Running", "Succeeded", "done"),
            ],
            Logs = [new StepLogLine("r1", "build", 1, T0, "info", "compiled")],
        });

        Assert.Equal(running, (await Store.GetRunAsync("r1"))! with { Parameters = running.Parameters });
        var stored = (await Store.GetStepsAsync("r1"))[0];
        Assert.Equal(StepStatus.Succeeded, stored.Status);
        Assert.Equal("web-1.2.tgz", stored.Outputs["artifact"]);
        Assert.Equal("bob", Assert.Single(stored.Votes).ActorId);
        Assert.Equal(step.Findings, stored.Findings);
        Assert.Equal(T0.AddSeconds(30), stored.DueAt);
        Assert.Equal((2_340L, 5_000_000_000L), (stored.CpuMilliseconds, stored.PeakMemoryBytes));
        Assert.Equal(step.Items, stored.Items);
        Assert.Equal([1L, 2L, 3L], (await Store.GetHistoryAsync("r1")).Select(h => h.Seq));
        Assert.Equal("compiled", Assert.Single(await Store.GetStepLogAsync("r1", "build")).Text);
    }

    [Fact]
    public async Task Save_WithAStaleVersion_FailsAndChangesNothing()
    {
        var created = Assert.IsType<CreateRunResult.Created>(await Store.CreateRunAsync(NewRun("r1")));
        await Store.SaveAsync(new RunChange(created.Run with { Status = RunStatus.Running, Version = 2 }, 1));

        var stale = new RunChange(created.Run with { Status = RunStatus.Cancelled, Version = 2 }, 1)
        {
            History = [new HistoryEntry("r1", 2, T0, HistoryKind.Run, "x", null, "Pending", "Cancelled", "late")],
        };

        await Assert.ThrowsAsync<ConcurrencyException>(() => Store.SaveAsync(stale));
        Assert.Equal(RunStatus.Running, (await Store.GetRunAsync("r1"))!.Status);
        Assert.Single(await Store.GetHistoryAsync("r1"));
    }

    [Fact]
    public async Task Save_ReleasingTheLock_FreesTheKeyForTheNextRun()
    {
        var holder = Assert.IsType<CreateRunResult.Created>(await Store.CreateRunAsync(NewRun("r1", lockKey: "k")));
        Assert.False(await Store.TryAcquireLockAsync("k", "r2"));
        Assert.True(await Store.TryAcquireLockAsync("k", "r1"), "the holder asking again must get a yes");

        await Store.SaveAsync(new RunChange(holder.Run with { Status = RunStatus.Cancelled, Version = 2 }, 1) { ReleaseLock = "k" });

        Assert.IsType<CreateRunResult.Created>(await Store.CreateRunAsync(NewRun("r3", lockKey: "k")));
    }

    [Fact]
    public async Task ActiveRuns_AreTheNonTerminalOnes_WithTheirSteps()
    {
        var a = Assert.IsType<CreateRunResult.Created>(await Store.CreateRunAsync(NewRun("a", minute: 1)));
        var b = Assert.IsType<CreateRunResult.Created>(await Store.CreateRunAsync(NewRun("b", minute: 2)));
        await Store.CreateRunAsync(NewRun("c", minute: 3));
        await Store.SaveAsync(new RunChange(a.Run with { Status = RunStatus.Succeeded, Version = 2 }, 1));
        await Store.SaveAsync(new RunChange(b.Run with { Status = RunStatus.WaitingForApproval, Version = 2 }, 1));

        var active = await Store.GetActiveRunsAsync();

        Assert.Equal(["b", "c"], active.Select(s => s.Run.Id));
        Assert.All(active, s => Assert.Equal(["build", "deploy"], s.Steps.Select(x => x.Name)));
    }

    [Fact]
    public async Task ListRuns_FiltersAndPages_NewestFirst()
    {
        for (var i = 0; i < 5; i++)
        {
            await Store.CreateRunAsync(NewRun($"d{i}", minute: i, workflow: "deploy", by: i % 2 == 0 ? "alice" : "bob"));
        }

        await Store.CreateRunAsync(NewRun("i0", minute: 10, workflow: "inspect"));

        var deploys = await Store.ListRunsAsync(new RunQuery { Workflow = "deploy", Take = 2 });
        var page2 = await Store.ListRunsAsync(new RunQuery { Workflow = "deploy", Skip = 2, Take = 2 });
        var bobs = await Store.ListRunsAsync(new RunQuery { RequestedBy = "bob" });
        var window = await Store.ListRunsAsync(new RunQuery { From = T0.AddMinutes(1), To = T0.AddMinutes(3) });
        var pending = await Store.ListRunsAsync(new RunQuery { Status = RunStatus.Pending });

        Assert.Equal(5, deploys.Total);
        Assert.Equal(["d4", "d3"], deploys.Runs.Select(r => r.Id));
        Assert.Equal(["d2", "d1"], page2.Runs.Select(r => r.Id));
        Assert.Equal(["d3", "d1"], bobs.Runs.Select(r => r.Id));
        Assert.Equal(["d2", "d1"], window.Runs.Select(r => r.Id));
        Assert.Equal(6, pending.Total);
    }
}

/// <summary>Records the store tests build on.</summary>
public static class RunStoreContractFixtures
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    public static NewRun NewRun(string id, string? lockKey = null, string? requestId = null, bool queue = false, int minute = 0, string workflow = "deploy", string by = "alice")
    {
        var at = T0.AddMinutes(minute);
        var run = new RunRecord
        {
            Id = id,
            Workflow = workflow,
            WorkflowVersion = "v1",
            Status = RunStatus.Pending,
            Parameters = new Dictionary<string, string> { ["env"] = "prod", ["app"] = "web" },
            RequestedById = by,
            RequestedByName = by.ToUpperInvariant(),
            Trigger = "test",
            LockKey = lockKey,
            RequestId = requestId,
            ReplyTo = "19:ops@thread.tacv2",
            CreatedAt = at,
            HistorySeq = 1,
            Version = 1,
        };
        StepRecord[] steps =
        [
            new() { RunId = id, Name = "build", Position = 0, Status = StepStatus.Pending },
            new() { RunId = id, Name = "deploy", Position = 1, Status = StepStatus.Pending },
        ];
        return new NewRun(run, steps, new HistoryEntry(id, 1, at, HistoryKind.Run, by, null, null, "Pending", "requested"), queue);
    }
}
