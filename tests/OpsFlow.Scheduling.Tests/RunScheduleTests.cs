using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Scheduling.Tests;

/// <summary>Recurring schedules: validated, listed, removed, declared by workflows, and starting real runs.</summary>
public sealed class RunScheduleTests
{
    private static readonly Actor Olivia = new("olivia", "Olivia", new HashSet<string> { Roles.Operator });
    private static readonly Actor Victor = new("victor", "Victor", new HashSet<string> { Roles.Viewer });
    private readonly string _folder = SchedulingHost.NewFolder();
    private readonly InMemoryRunStore _store = new();
    private readonly InMemoryWorkflowCatalog _catalog = new();

    public RunScheduleTests()
    {
        var report = new WorkflowBuilder("report").Parameter(new ParameterDefinition("scope", ParameterType.Choice) { OneOf = ["disk", "all"], Default = "all" });
        report.Step("collect", ctx => ctx.Log($"collecting {ctx.Parameters["scope"]}"));
        report.Schedule(new ScheduleSpec("0 0 6 * * ?", "Asia/Tokyo", new Dictionary<string, string?> { ["scope"] = "disk" }, "19:channel@thread.tacv2") { Source = new SourceLocation("report.csx", 4) });
        _catalog.Add(report.Build());
    }

    private static NewSchedule Request(string workflow = "report", string cron = "0 6 * * *", string zone = "UTC", Actor? by = null, params (string, string)[] parameters) =>
        new(workflow, cron, zone, parameters.ToDictionary(p => p.Item1, p => (string?)p.Item2), null, by ?? Olivia);

    [Fact]
    public async Task Add_BadRequest_ListsEveryProblemAtOnce()
    {
        await using var host = await SchedulingHost.StartAsync(_folder, _catalog, _store);

        var result = await host.Schedules.AddAsync(Request(cron: "every morning", zone: "Mars/Olympus", parameters: ("scope", "network")));

        Assert.False(result.Ok);
        Assert.Collection(result.Problems,
            p => Assert.Contains("not a cron expression", p, StringComparison.Ordinal),
            p => Assert.Contains("not a known time zone", p, StringComparison.Ordinal),
            p => Assert.Contains("parameter 'scope': must be one of disk, all", p, StringComparison.Ordinal));
        var unknown = await host.Schedules.AddAsync(Request(workflow: "nope"));
        Assert.Contains("There is no workflow 'nope'; the workflows are report", Assert.Single(unknown.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_ByAViewer_IsForbidden()
    {
        await using var host = await SchedulingHost.StartAsync(_folder, _catalog, _store);

        var result = await host.Schedules.AddAsync(Request(by: Victor));

        Assert.True(result.Forbidden, "a viewer cannot schedule runs");
        Assert.Empty(await host.Schedules.ListAsync());
    }

    [Fact]
    public async Task Add_ThenRemove_ShowsInTheListWithItsNextTimeAndIsGoneAfter()
    {
        await using var host = await SchedulingHost.StartAsync(_folder, _catalog, _store);

        var added = await host.Schedules.AddAsync(Request(cron: "0 6 * * *", zone: "Europe/Paris", parameters: ("scope", "disk")));

        Assert.True(added.Ok, string.Join("; ", added.Problems));
        var listed = Assert.Single(await host.Schedules.ListAsync(), s => s.DeclaredIn is null);
        Assert.Equal(("report", "0 6 * * *", "Europe/Paris", "olivia"), (listed.Workflow, listed.Cron, listed.TimeZone, listed.CreatedBy));
        Assert.Equal("disk", listed.Parameters["scope"]);
        var paris = TimeZoneInfo.ConvertTime(listed.NextFireAt!.Value, TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"));
        Assert.Equal((6, 0), (paris.Hour, paris.Minute));

        var removed = await host.Schedules.RemoveAsync(listed.Id, Olivia);
        Assert.True(removed.Ok, string.Join("; ", removed.Problems));
        Assert.DoesNotContain(await host.Schedules.ListAsync(), s => s.Id == listed.Id);
    }

    [Fact]
    public async Task SyncDeclared_ScheduleInTokyo_FiresAtSixTokyoTimeAndCannotBeRemovedFromChat()
    {
        await using var host = await SchedulingHost.StartAsync(_folder, _catalog, _store);

        Assert.Equal(1, await host.Schedules.SyncDeclaredAsync());

        var declared = Assert.Single(await host.Schedules.ListAsync());
        Assert.Equal(("report-1", "report.csx:4", "19:channel@thread.tacv2"), (declared.Id, declared.DeclaredIn, declared.Conversation));
        Assert.Equal(21, declared.NextFireAt!.Value.UtcDateTime.Hour);
        var refused = await host.Schedules.RemoveAsync("report-1", Olivia);
        Assert.Contains("declared in report.csx:4", Assert.Single(refused.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SyncDeclared_Unchanged_KeepsTheTriggerSoAMissedTimeStillFires()
    {
        await using var host = await SchedulingHost.StartAsync(_folder, _catalog, _store);
        await host.Schedules.SyncDeclaredAsync();
        var key = new Quartz.TriggerKey("report-1", "opsflow-declared");
        var scheduler = await host.Services.GetRequiredService<Quartz.ISchedulerFactory>().GetScheduler();
        var before = (await scheduler.GetTrigger(key))!.StartTimeUtc;
        await Task.Delay(TimeSpan.FromSeconds(1.1), TimeProvider.System);

        await host.Schedules.SyncDeclaredAsync();

        Assert.Equal(before, (await scheduler.GetTrigger(key))!.StartTimeUtc);
    }

    [Fact]
    public async Task SyncDeclared_AfterTheScriptDropsItsSchedule_RemovesIt()
    {
        await using (var host = await SchedulingHost.StartAsync(_folder, _catalog, _store))
        {
            await host.Schedules.SyncDeclaredAsync();
        }

        var withoutSchedules = new InMemoryWorkflowCatalog();
        var report = new WorkflowBuilder("report");
        report.Step("collect", _ => { });
        withoutSchedules.Add(report.Build());
        await using var restarted = await SchedulingHost.StartAsync(_folder, withoutSchedules, _store);

        Assert.Equal(0, await restarted.Schedules.SyncDeclaredAsync());
        Assert.Empty(await restarted.Schedules.ListAsync());
    }

    [Fact]
    public async Task Schedule_EveryTwoSeconds_StartsRunsSaidToComeFromTheSchedule()
    {
        await using var host = await SchedulingHost.StartAsync(_folder, _catalog, _store);

        var added = await host.Schedules.AddAsync(Request(cron: "0/2 * * * * ?") with { Conversation = "19:ops@thread.tacv2" });
        Assert.True(added.Ok, string.Join("; ", added.Problems));
        await Wait.UntilAsync(async () => (await _store.ListRunsAsync(new RunQuery { Workflow = "report" })).Total >= 2, "two scheduled runs", within: TimeSpan.FromSeconds(15));

        var runs = (await _store.ListRunsAsync(new RunQuery { Workflow = "report" })).Runs;
        Assert.All(runs, r => Assert.StartsWith($"schedule {added.Schedule!.Id} (0/2 * * * * ?, UTC)", r.Trigger, StringComparison.Ordinal));
        Assert.All(runs, r => Assert.True(r.RequestedById == "olivia", $"a person's schedule runs in their name, so four-eyes knows them: {r.RequestedById}"));
        Assert.Equal(runs.Count, runs.Select(r => r.RequestId).Distinct().Count());
        Assert.All(runs, r => Assert.True(r.ReplyTo == "19:ops@thread.tacv2", "a scheduled run's card goes to the schedule's conversation"));
    }

    [Fact]
    public async Task Schedule_RunsInItsCreatorsName_UnderAllTheirIds()
    {
        await using var host = await SchedulingHost.StartAsync(_folder, _catalog, _store);
        var creator = Olivia with { ObjectId = "6f2c1b7e-0000-4000-8000-00000000a11e", Upn = "olivia@contoso.com" };

        var added = await host.Schedules.AddAsync(Request(cron: "0/1 * * * * ?", by: creator));
        Assert.True(added.Ok, string.Join("; ", added.Problems));
        await Wait.UntilAsync(async () => (await _store.ListRunsAsync(new RunQuery { Workflow = "report" })).Total >= 1, "a scheduled run", within: TimeSpan.FromSeconds(15));

        var run = (await _store.ListRunsAsync(new RunQuery { Workflow = "report" })).Runs[0];
        Assert.Equal(("olivia", "Olivia"), (run.RequestedById, run.RequestedByName));
        Assert.Equal(["6f2c1b7e-0000-4000-8000-00000000a11e", "olivia@contoso.com"], run.RequestedByAliases);
    }

    [Fact]
    public async Task Schedule_WhoseCreatorLostTheRole_IsPaused_AnnouncedAndAudited_AndStartsNothing()
    {
        var access = SchedulingHost.Access;
        var announced = new RecordingAnnouncements();
        await using var host = await SchedulingHost.StartAsync(_folder, _catalog, _store, services: s =>
        {
            s.AddSingleton(access);
            s.AddSingleton<IAnnouncements>(announced);
        });
        var added = await host.Schedules.AddAsync(Request(cron: "0/1 * * * * ?") with { Conversation = "19:ops@thread.tacv2" });
        Assert.True(added.Ok, string.Join("; ", added.Problems));

        access.Roles[Roles.Operator] = [];
        await Wait.UntilAsync(() => announced.Texts.Count > 0, "the pause to be announced", within: TimeSpan.FromSeconds(15));

        var (conversation, text) = Assert.Single(announced.Texts);
        Assert.Equal("19:ops@thread.tacv2", conversation);
        Assert.Contains($"Schedule {added.Schedule!.Id} (report", text, StringComparison.Ordinal);
        Assert.Contains("Olivia, who may no longer start it", text, StringComparison.Ordinal);
        Assert.True(Assert.Single(await host.Schedules.ListAsync(), s => s.Id == added.Schedule.Id).Paused, "the schedule must show as paused");
        var entries = await host.Services.GetRequiredService<IAuditLog>().QueryAsync(new AuditQuery(Action: "schedule-pause"));
        Assert.Contains("may no longer start report", Assert.Single(entries).Event.Detail, StringComparison.Ordinal);
        Assert.Equal(0, (await _store.ListRunsAsync(new RunQuery { Workflow = "report" })).Total);
    }

    [Fact]
    public async Task Schedule_FiringDuringAnEmergencyStop_StartsNothing_IsNotPaused_AndRunsAgainOnceItIsLifted()
    {
        var announced = new RecordingAnnouncements();
        await using var host = await SchedulingHost.StartAsync(_folder, _catalog, _store, services: s => s.AddSingleton<IAnnouncements>(announced));
        var admin = new Actor("ada", "Ada", new HashSet<string>(StringComparer.OrdinalIgnoreCase) { Roles.Admin });
        var stops = host.Services.GetRequiredService<OpsFlow.Engine.Execution.EmergencyStopCommands>();
        Assert.Equal(OpsFlow.Engine.Execution.CommandOutcome.Done, (await stops.StopAllAsync(admin, "database failover")).Outcome);
        var added = await host.Schedules.AddAsync(Request(cron: "0/1 * * * * ?"));
        Assert.True(added.Ok, string.Join("; ", added.Problems));
        var audit = host.Services.GetRequiredService<IAuditLog>();

        await Wait.UntilAsync(
            async () => (await audit.QueryAsync(new AuditQuery(Action: "start"))).Any(e => e.Event.Outcome == AuditOutcome.Refused && e.Event.Detail.Contains("emergency stop", StringComparison.Ordinal)),
            "a firing refused by the emergency stop", within: TimeSpan.FromSeconds(15), poll: TimeSpan.FromMilliseconds(200));

        Assert.False(Assert.Single(await host.Schedules.ListAsync(), s => s.Id == added.Schedule!.Id).Paused, "an emergency stop does not pause a schedule");
        Assert.Empty(announced.Texts);
        Assert.Equal(0, (await _store.ListRunsAsync(new RunQuery { Workflow = "report" })).Total);
        await stops.ResumeAllAsync(admin);
        await Wait.UntilAsync(async () => (await _store.ListRunsAsync(new RunQuery { Workflow = "report" })).Total >= 1, "a scheduled run once the stop is lifted", within: TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Add_WithParametersTheWorkflowsStartRulesForbid_IsForbidden_AndAudited()
    {
        var catalog = new InMemoryWorkflowCatalog();
        var backup = new WorkflowBuilder("backup").Parameter(new ParameterDefinition("keep", ParameterType.Int) { Default = "7" });
        backup.StartableBy(new StartRule(["role:admin"], "keep<3"));
        backup.Step("copy", _ => { });
        catalog.Add(backup.Build());
        await using var host = await SchedulingHost.StartAsync(_folder, catalog, _store);

        var refused = await host.Schedules.AddAsync(Request(workflow: "backup", parameters: ("keep", "1")));
        var allowed = await host.Schedules.AddAsync(Request(workflow: "backup", parameters: ("keep", "5")));

        Assert.True(refused.Forbidden, string.Join("; ", refused.Problems));
        Assert.Contains("Starting backup with keep=1 is for role:admin only", Assert.Single(refused.Problems), StringComparison.Ordinal);
        Assert.True(allowed.Ok, string.Join("; ", allowed.Problems));
        var audit = await host.Services.GetRequiredService<IAuditLog>().QueryAsync(new AuditQuery(Action: "schedule-add"));
        Assert.Equal([AuditOutcome.Forbidden, AuditOutcome.Done], audit.Select(e => e.Event.Outcome));
    }

    private sealed class RecordingAnnouncements : IAnnouncements
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<(string?, string)> _texts = new();

        public IReadOnlyList<(string? Conversation, string Text)> Texts => [.. _texts];

        public Task AnnounceAsync(string? conversation, string text, CancellationToken cancellationToken = default)
        {
            _texts.Enqueue((conversation, text));
            return Task.CompletedTask;
        }

        public Task DeliverAsync(string conversation, string text, CancellationToken cancellationToken = default) =>
            AnnounceAsync(conversation, text, cancellationToken);
    }
}
