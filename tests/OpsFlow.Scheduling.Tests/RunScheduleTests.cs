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
        Assert.All(runs, r => Assert.Equal($"schedule:{added.Schedule!.Id}", r.RequestedById));
        Assert.Equal(runs.Count, runs.Select(r => r.RequestId).Distinct().Count());
        Assert.All(runs, r => Assert.True(r.ReplyTo == "19:ops@thread.tacv2", "a scheduled run's card goes to the schedule's conversation"));
    }
}
