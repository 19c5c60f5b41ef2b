using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Persistence.Tests;

/// <summary>What every <see cref="IRunReports"/> answers for <see cref="ReportHistory"/>, to the millisecond.</summary>
public abstract class RunReportsContract : IAsyncLifetime
{
    private static readonly DateTimeOffset Monday = ReportHistory.Monday;

    protected IRunReports Reports { get; set; } = null!;

    protected IRunStore Store { get; set; } = null!;

    protected abstract Task<(IRunStore Store, IRunReports Reports)> CreateAsync();

    public async Task InitializeAsync()
    {
        var (store, reports) = await CreateAsync();
        await ReportHistory.SeedAsync(store);
        Reports = reports;
        Store = store;
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Summary_CountsRunsCreatedInTheRange_RateOverFinishedRuns()
    {
        var summary = await Reports.GetSummaryAsync(ReportHistory.Week);

        Assert.Equal((7, 2, 2, 1, 1), (summary.Runs, summary.Succeeded, summary.Failed, summary.RolledBack, summary.Cancelled));
        Assert.Equal(2.0 / 6, summary.SuccessRate, 9);
        Assert.Equal(350_000.0 / 6, summary.AverageDurationMs, 6);
        Assert.Equal(50_000, summary.MedianDurationMs, 6);
    }

    [Fact]
    public async Task StepFailures_AreReadFromTheHistory_NewestFirst_SinceTheGivenTime()
    {
        var all = await Reports.GetStepFailuresAsync("deploy", "deploy", Monday.AddDays(-1), 10);
        var recent = await Reports.GetStepFailuresAsync("deploy", "deploy", Monday.AddDays(1), 10);
        var timedOut = await Reports.GetStepFailuresAsync("backup", "copy", Monday, 10);

        Assert.Equal(["r8", "r3", "r2"], all.Select(f => f.RunId));
        Assert.Equal("attempt 3 of 3 failed: HTTP 503", all[2].Reason);
        Assert.Equal(Monday.AddHours(12).AddSeconds(30), all[2].At);
        Assert.Equal(["r8", "r3"], recent.Select(f => f.RunId));
        Assert.Equal(["r9"], timedOut.Select(f => f.RunId));
        Assert.Equal(["r8"], (await Reports.GetStepFailuresAsync("deploy", "deploy", Monday.AddDays(-1), 1)).Select(f => f.RunId));
    }

    [Fact]
    public async Task Summary_OfAnEmptyRange_IsAllZero()
    {
        var summary = await Reports.GetSummaryAsync(new ReportRange(Monday.AddYears(-1), Monday.AddYears(-1).AddDays(1)));

        Assert.Equal(new RunSummary(0, 0, 0, 0, 0, 0, 0, 0), summary);
    }

    [Fact]
    public async Task SuccessRate_ByDay_HasEveryDayOfTheRange()
    {
        var days = await Reports.GetSuccessRateAsync(ReportHistory.Week, ReportBucket.Day);

        Assert.Equal(Enumerable.Range(0, 7).Select(d => Monday.AddDays(d)), days.Select(d => d.Start));
        Assert.Equal([2, 2, 0, 2, 1, 0, 0], days.Select(d => d.Runs));
        Assert.Equal([1, 1, 0, 0, 0, 0, 0], days.Select(d => d.Succeeded));
        Assert.Equal([0.5, 0.5, 0, 0, 0, 0, 0], days.Select(d => d.SuccessRate));
    }

    [Fact]
    public async Task SuccessRate_ByWeek_StartsOnMonday()
    {
        var weeks = await Reports.GetSuccessRateAsync(new ReportRange(Monday.AddDays(2), Monday.AddDays(10)), ReportBucket.Week);

        Assert.Equal([Monday, Monday.AddDays(7)], weeks.Select(w => w.Start));
        Assert.Equal([3, 1], weeks.Select(w => w.Runs));
        Assert.All(weeks, w => Assert.Equal(0, w.Succeeded));
    }

    [Fact]
    public async Task StepDurations_LargestTotalFirst_WithAttemptsAndP95()
    {
        var steps = await Reports.GetStepDurationsAsync(ReportHistory.Week, workflow: null);

        Assert.Equal(
            [("backup", "copy", 4), ("deploy", "deploy", 5), ("deploy", "build", 3), ("backup", "verify", 1), ("deploy", "swap", 1)],
            steps.Select(s => (s.Workflow, s.Step, s.Attempts)));
        Assert.Equal([150_000.0, 110_000, 60_000, 20_000, 10_000], steps.Select(s => s.TotalMs));
        Assert.Equal([100_000.0, 50_000, 30_000, 20_000, 10_000], steps.Select(s => s.P95Ms));
        Assert.Equal(110_000.0 / 3, steps[1].AverageMs, 6);
        // CPU: two of the three builds ran processes (8 s and 4 s); no other step did.
        Assert.Equal([(null, null), (null, null), (6_000.0, 12_000.0), (null, null), (null, null)], steps.Select(s => (s.AverageCpuMs, s.TotalCpuMs)));
    }

    [Fact]
    public async Task StepDurations_OfOneWorkflow()
    {
        var steps = await Reports.GetStepDurationsAsync(ReportHistory.Week, "deploy");

        Assert.Equal(["deploy", "build", "swap"], steps.Select(s => s.Step));
    }

    // A database store may answer whole months from a rollup and the rest from the step rows: a range that covers
    // November whole, with edges in October and December, must give what the step rows of the same runs give.
    [Fact]
    public async Task StepDurations_OverWholeMonthsWithPartialEdges_SameAsOverTheRunsAlone()
    {
        var allRuns = new ReportRange(Monday.AddDays(-1), Monday.AddDays(8));
        var months = new ReportRange(Monday.AddDays(-18), Monday.AddDays(43));
        var november = new ReportRange(Monday.AddDays(-1), Monday.AddDays(29));

        var expected = await Reports.GetStepDurationsAsync(allRuns, workflow: null);

        Assert.Equal(("deploy", "build", 4, 65_000.0, 13_000.0), expected.Where(s => s.Step == "build").Select(s => (s.Workflow, s.Step, s.Attempts, s.TotalMs, s.TotalCpuMs)).Single());
        Assert.Equal(expected, await Reports.GetStepDurationsAsync(months, workflow: null));
        Assert.Equal(expected, await Reports.GetStepDurationsAsync(november, workflow: null));
        Assert.Equal(
            expected.Where(s => s.Workflow == "backup"),
            await Reports.GetStepDurationsAsync(months, "backup"));
    }

    // The report counts a step's last attempt. A step that failed and ran again (retry from failed) replaces its
    // first attempt's figures; whether or not the change says what it replaces (the engine does, tests often not).
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task StepDurations_ARetriedStep_CountsOnlyItsLastAttempt(bool sayWhatWasSaved)
    {
        var at = Monday.AddDays(2).AddHours(9);
        var made = Assert.IsType<CreateRunResult.Created>(await Store.CreateRunAsync(new NewRun(
            ReportHistory.Run("r10", "deploy", at), [new StepRecord { RunId = "r10", Name = "build", Status = StepStatus.Pending }],
            new HistoryEntry("r10", 1, at, HistoryKind.Run, "alice", null, null, "Pending", "requested"))));
        var pending = (await Store.GetStepsAsync("r10"))[0];
        StepRecord[] attempts =
        [
            pending with { Status = StepStatus.Running, Attempt = 1, StartedAt = at },
            pending with { Status = StepStatus.Failed, Attempt = 1, StartedAt = at, EndedAt = at.AddSeconds(50), Error = "flaky" },
            pending with { Status = StepStatus.Running, Attempt = 2, StartedAt = at.AddMinutes(5) },
            pending with { Status = StepStatus.Succeeded, Attempt = 2, StartedAt = at.AddMinutes(5), EndedAt = at.AddMinutes(5).AddSeconds(10) },
        ];
        var saved = pending;
        var version = made.Run.Version;
        foreach (var step in attempts)
        {
            await Store.SaveAsync(new RunChange(made.Run with { Status = RunStatus.Running, Version = version + 1 }, version)
            {
                Steps = [step],
                SavedSteps = sayWhatWasSaved ? [saved] : null,
            });
            (saved, version) = (step, version + 1);
        }

        foreach (var range in new[] { ReportHistory.Week, new ReportRange(Monday.AddDays(-18), Monday.AddDays(43)) })
        {
            var build = (await Reports.GetStepDurationsAsync(range, "deploy")).Single(s => s.Step == "build");

            // Before: 20 s, 10 s and 30 s in one attempt each (and r7's 5 s outside the week).
            var r7 = range == ReportHistory.Week ? 0 : 1;
            Assert.Equal(3 + r7 + 2, build.Attempts);
            Assert.Equal(70_000.0 + (r7 * 5_000), build.TotalMs);
            Assert.Equal(30_000.0, build.P95Ms);
        }
    }

    [Fact]
    public async Task Failures_GroupByWorkflowStepAndError_MostFrequentFirst()
    {
        var failures = await Reports.GetFailuresAsync(ReportHistory.Week, take: 10);

        Assert.Equal(
            [
                new FailureCause("deploy", "deploy", "HTTP 503", 2, Monday.AddDays(1).AddHours(9).AddSeconds(80), "r3"),
                new FailureCause("backup", "copy", "timed out after 30s", 1, Monday.AddDays(4).AddSeconds(40), "r9"),
            ],
            failures);
        Assert.Single(await Reports.GetFailuresAsync(ReportHistory.Week, take: 1));
    }

    [Fact]
    public async Task Workflows_MostRunsFirst_WithTheirLastRun()
    {
        var workflows = await Reports.GetWorkflowsAsync(ReportHistory.Week);

        Assert.Equal(["backup", "deploy", "inspect"], workflows.Select(w => w.Workflow));
        Assert.Equal([3, 3, 1], workflows.Select(w => w.Runs));
        Assert.Equal([1, 1, 0], workflows.Select(w => w.Succeeded));
        Assert.Equal(["r9", "r3", "r6"], workflows.Select(w => w.LastRunId));
        Assert.Equal([RunStatus.Failed, RunStatus.RolledBack, RunStatus.Running], workflows.Select(w => w.LastStatus));
        Assert.Equal(Monday.AddDays(4), workflows[0].LastRunAt);
        Assert.Equal(170_000.0 / 3, workflows[0].AverageDurationMs, 6);
        Assert.Equal(60_000, workflows[1].AverageDurationMs, 6);
        Assert.Equal(1.0 / 3, workflows[1].SuccessRate, 9);
        Assert.Equal((0.0, 0.0), (workflows[2].SuccessRate, workflows[2].AverageDurationMs));
    }
}

public sealed class InMemoryRunReportsTests : RunReportsContract
{
    protected override Task<(IRunStore Store, IRunReports Reports)> CreateAsync()
    {
        var store = new InMemoryRunStore();
        return Task.FromResult<(IRunStore, IRunReports)>((store, new InMemoryRunReports(store)));
    }
}

public sealed class SqliteRunReportsTests : RunReportsContract
{
    private SqliteDatabase? _database;

    protected override async Task<(IRunStore Store, IRunReports Reports)> CreateAsync()
    {
        _database = await SqliteDatabase.CreateAsync();
        return (_database.Store, _database.Reports);
    }

    public override async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
