using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Persistence.Archive;

namespace OpsFlow.Persistence.Tests;

/// <summary>
/// The history tiers on every database (docs/retention.md): <see cref="ReportHistory"/>'s November runs go to their
/// archive file, read back as they were through the run store, and every report answers as before.
/// </summary>
public abstract class HistoryTiersContract : IAsyncLifetime
{
    private const string November = "runs-2026-11.jsonl.gz";

    /// <summary>After November and December 2026 (no runs in December): both months are wholly older than this.</summary>
    private static readonly DateTimeOffset HotSince = new(2027, 1, 5, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] RunIds = ["r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected IServiceProvider Services { get; set; } = null!;

    protected string ArchiveFolder { get; set; } = "";

    private IRunStore Store => Services.GetRequiredService<IRunStore>();

    private IRunReports Reports => Services.GetRequiredService<IRunReports>();

    private IHistoryTiers Tiers => Services.GetRequiredService<IHistoryTiers>();

    /// <summary>Sets <see cref="Services"/> (a migrated database) and <see cref="ArchiveFolder"/> (empty, this test's own).</summary>
    protected abstract Task CreateAsync();

    public async Task InitializeAsync()
    {
        await CreateAsync();
        await ReportHistory.SeedAsync(Store);
        // What only the archive keeps once r1 is archived: outputs, votes, findings, logs and an audit entry naming it.
        var r1 = (await Store.GetRunAsync("r1"))!;
        var deploy = (await Store.GetStepsAsync("r1")).Single(s => s.Name == "deploy");
        await Store.SaveAsync(new RunChange(r1 with { Version = r1.Version + 1 }, r1.Version)
        {
            Steps = [deploy with
            {
                Outputs = new Dictionary<string, string> { ["url"] = "https://web.example/v1.2" },
                Votes = [new ApprovalVote("bob", "Bob", true, "looks good", ReportHistory.Monday.AddHours(10))],
                Findings = [new Finding(FindingLevel.Warning, "disk 81% full")],
                ErrorDetail = "none, kept to see it travel",
            }],
            Logs = [Line("r1", "build", "compiling"), Line("r1", "deploy", "copied 12 files"), Line("r1", "build", "done")],
        });
        await Services.GetRequiredService<IAuditLog>().AppendAsync(
            new AuditEvent(ReportHistory.Monday.AddHours(10), "approve", AuditOutcome.Done, "Bob", ["bob"], "chat", "r1", "deploy approved"));
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Archive_MovesAMonthOfFinishedRuns_ReadsThemBackAsTheyWere_AndNoReportChanges()
    {
        var runsBefore = await ReadRunsAsync();
        var reportsBefore = await ReadReportsAsync();

        var archived = await Tiers.ArchiveAsync(HotSince);

        var month = Assert.Single(archived);
        Assert.Equal(("2026-11", November, 5), (month.Month, month.File, month.Runs));
        Assert.True(month.Bytes > 0, "an archive file has a size");
        foreach (var id in new[] { "r1", "r3", "r4", "r5", "r7" })
        {
            Assert.True((await Store.GetRunAsync(id))!.ArchivedIn == November, $"finished run {id} of November is archived in {November}");
        }

        // Failed runs wait for a person (retry or cancel) and r6 is running: they stay whole in the database.
        foreach (var id in new[] { "r2", "r6", "r8", "r9" })
        {
            Assert.True((await Store.GetRunAsync(id))!.ArchivedIn is null, $"run {id} is not finished, so it stays in the hot tier");
        }

        var runsAfter = await ReadRunsAsync();
        foreach (var id in RunIds)
        {
            Assert.True(runsBefore[id] == runsAfter[id], $"run {id} reads back as it was:\nbefore {runsBefore[id]}\nafter  {runsAfter[id]}");
        }

        var reportsAfter = await ReadReportsAsync();
        foreach (var (report, before) in reportsBefore)
        {
            Assert.True(before == reportsAfter[report], $"the report '{report}' changed when November was archived:\nbefore {before}\nafter  {reportsAfter[report]}");
        }

        Assert.Empty(await Tiers.ArchiveAsync(HotSince));
    }

    [Fact]
    public async Task Archive_LeavesOnlyTheRunRowAndStepSummariesInTheDatabase()
    {
        await Tiers.ArchiveAsync(HotSince);

        await using var db = await Services.GetRequiredService<IDbContextFactory<OpsFlowDbContext>>().CreateDbContextAsync();
        Assert.Equal(0, await db.History.CountAsync(h => h.RunId == "r1" || h.RunId == "r3"));
        Assert.Equal(0, await db.StepLogs.CountAsync(l => l.RunId == "r1"));
        var deploy = await db.Steps.SingleAsync(s => s.RunId == "r1" && s.Name == "deploy");
        Assert.Equal(("{}", "[]", "[]", null, "Succeeded", 1), (deploy.OutputsJson, deploy.VotesJson, deploy.FindingsJson, deploy.ErrorDetail, deploy.Status, deploy.Attempt));
        Assert.True(await db.History.AnyAsync(h => h.RunId == "r2"), "a run that stays hot keeps its history");
    }

    [Fact]
    public async Task Archive_WritesAChecksumInSha256sumsFormat_AndCopiesTheAuditEntriesThatNameTheRun()
    {
        await Tiers.ArchiveAsync(HotSince);

        var file = Path.Combine(ArchiveFolder, November);
        var sums = (await File.ReadAllTextAsync(file + ".sha256")).TrimEnd('\n');
        await using (var data = File.OpenRead(file))
        {
            Assert.Equal($"{Convert.ToHexStringLower(await SHA256.HashDataAsync(data))}  {November}", sums);
        }

        var line = await new ArchiveFiles(ArchiveFolder).FindAsync(November, "r1", CancellationToken.None);
        var audit = Assert.Single(line!.Audit);
        Assert.Equal(("approve", "r1", "Bob"), (audit.Action, audit.Target, audit.ActorName));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        var verification = await Services.GetRequiredService<IAuditLog>().VerifyAsync();
        Assert.True(verification.Intact, $"the audit log stays whole in the database: {verification.Problem}");
    }

    [Fact]
    public async Task Archive_CopiesEachRunsAuditEntries_InTheChainsOrder_WhenTheyAreReadInSeveralQueries()
    {
        var audit = Services.GetRequiredService<IAuditLog>();
        foreach (var (target, action) in new[] { ("r5", "cancel"), ("r2", "retry"), ("r3", "approve"), ("r5", "show") })
        {
            await audit.AppendAsync(new AuditEvent(ReportHistory.Monday.AddDays(5), action, AuditOutcome.Done, "Bob", ["bob"], "chat", target, $"{action} {target}"));
        }

        // Two runs a query: November's five finished runs (r7, r1, r3, r4, r5 by creation) take three.
        var tiers = new EfHistoryTiers(
            Services.GetRequiredService<DatabaseReads>(), Services.GetRequiredService<WriteQueue>(), Services.GetRequiredService<ArchiveFiles>(),
            Services.GetRequiredService<ArchivedRuns>(), TimeProvider.System, auditChunk: 2);
        await tiers.ArchiveAsync(HotSince);

        var expected = new Dictionary<string, string[]>
        {
            ["r7"] = [], ["r1"] = ["approve"], ["r3"] = ["approve"], ["r4"] = [], ["r5"] = ["cancel", "show"],
        };
        foreach (var (id, actions) in expected)
        {
            var line = await new ArchiveFiles(ArchiveFolder).FindAsync(November, id, CancellationToken.None);
            Assert.True(line is not null, $"run {id} is in {November}");
            Assert.True(line.Audit.All(a => a.Target == id), $"run {id}'s line copies only entries naming it: {string.Join(", ", line.Audit.Select(a => a.Target))}");
            Assert.Equal(actions, line.Audit.Select(a => a.Action).ToArray());
        }
    }

    [Fact]
    public async Task Archive_OnlyMonthsWhollyOlderThanTheHotTier()
    {
        Assert.Empty(await Tiers.ArchiveAsync(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero)));
        Assert.Single(await Tiers.ArchiveAsync(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public async Task ARunOfAnArchivedMonthThatEndsLater_GoesToTheMonthsNextPart()
    {
        await Tiers.ArchiveAsync(HotSince);
        var r2 = (await Store.GetRunAsync("r2"))!;
        await Store.SaveAsync(new RunChange(r2 with { Status = RunStatus.Cancelled, Version = r2.Version + 1 }, r2.Version));

        var second = Assert.Single(await Tiers.ArchiveAsync(HotSince));

        Assert.Equal(("runs-2026-11-2.jsonl.gz", 1), (second.File, second.Runs));
        Assert.Equal("runs-2026-11-2.jsonl.gz", (await Store.GetRunAsync("r2"))!.ArchivedIn);
        Assert.Equal(["build", "deploy"], (await Store.GetStepsAsync("r2")).Select(s => s.Name));
        Assert.Equal(2, (await Store.GetStepsAsync("r1")).Count);
    }

    [Fact]
    public async Task AFileNoRunNames_LeftByAnInterruptedPass_IsReplaced()
    {
        Directory.CreateDirectory(ArchiveFolder);
        await File.WriteAllTextAsync(Path.Combine(ArchiveFolder, November), "written before a crash, never named by a run");
        await File.WriteAllTextAsync(Path.Combine(ArchiveFolder, "." + November + ".0123.tmp"), "half a file");

        var month = Assert.Single(await Tiers.ArchiveAsync(HotSince));

        Assert.Equal(November, month.File);
        Assert.Equal(2, (await Store.GetStepsAsync("r1")).Count);
        Assert.Equal([November, November + ".sha256"], Directory.GetFiles(ArchiveFolder).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ADamagedArchive_IsRefused_SayingWhichFileAndWhatToDo()
    {
        await Tiers.ArchiveAsync(HotSince);
        var file = Path.Combine(ArchiveFolder, November);
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[bytes.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(file, bytes);

        var error = await Assert.ThrowsAsync<ArchiveDamagedException>(() => Store.GetStepsAsync("r3"));

        Assert.Contains(November, error.Message, StringComparison.Ordinal);
        Assert.Contains("SHA-256", error.Message, StringComparison.Ordinal);
        Assert.Contains("Restore it from a copy of the archive folder", error.Message, StringComparison.Ordinal);
        Assert.NotNull(await Store.GetRunAsync("r3"));
    }

    [Fact]
    public async Task DeleteCold_DeletesTheArchivesOfMonthsBeforeTheLimit_WithTheirRuns()
    {
        await Tiers.ArchiveAsync(HotSince);

        Assert.Empty(await Tiers.DeleteColdAsync(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero)));
        var deleted = Assert.Single(await Tiers.DeleteColdAsync(new DateTimeOffset(2029, 12, 1, 0, 0, 0, TimeSpan.Zero)));

        Assert.Equal(("2026-11", November, 5), (deleted.Month, deleted.File, deleted.Runs));
        Assert.False(File.Exists(Path.Combine(ArchiveFolder, November)), "the archive file is deleted");
        Assert.False(File.Exists(Path.Combine(ArchiveFolder, November + ".sha256")), "its checksum file too");
        Assert.Null(await Store.GetRunAsync("r1"));
        Assert.Empty(await Store.GetStepsAsync("r1"));
        Assert.NotNull(await Store.GetRunAsync("r2"));
        Assert.Equal(4, (await Reports.GetSummaryAsync(new ReportRange(ReportHistory.Monday.AddDays(-7), ReportHistory.Monday.AddDays(30)))).Runs);
    }

    private static StepLogLine Line(string runId, string step, string text) => new(runId, step, 1, ReportHistory.Monday.AddHours(10), "info", text);

    /// <summary>Each run as the store answers for it, but for what archiving changes on purpose (its version, the file's name).</summary>
    private async Task<Dictionary<string, string>> ReadRunsAsync()
    {
        var runs = new Dictionary<string, string>();
        foreach (var id in RunIds)
        {
            var run = (await Store.GetRunAsync(id))! with { Version = 0, ArchivedIn = null };
            var steps = await Store.GetStepsAsync(id);
            var logs = new List<object>();
            foreach (var step in steps)
            {
                logs.Add(await Store.GetStepLogAsync(id, step.Name));
                logs.Add((await Store.GetStepLogAfterAsync(id, step.Name, 0, take: 2)).Lines);
            }

            runs[id] = JsonSerializer.Serialize(new { run, steps, history = await Store.GetHistoryAsync(id), logs }, Json);
        }

        return runs;
    }

    private async Task<Dictionary<string, string>> ReadReportsAsync()
    {
        var ranges = new Dictionary<string, ReportRange>
        {
            ["week"] = ReportHistory.Week,
            ["november"] = new(new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)),
            ["mid-october to mid-december"] = new(new(2026, 10, 15, 0, 0, 0, TimeSpan.Zero), new(2026, 12, 15, 0, 0, 0, TimeSpan.Zero)),
            ["two days"] = new(ReportHistory.Monday.AddHours(11), ReportHistory.Monday.AddDays(2)),
        };
        var reports = new Dictionary<string, string>();
        foreach (var (name, range) in ranges)
        {
            reports[$"summary, {name}"] = JsonSerializer.Serialize(await Reports.GetSummaryAsync(range), Json);
            reports[$"success by day, {name}"] = JsonSerializer.Serialize(await Reports.GetSuccessRateAsync(range, ReportBucket.Day), Json);
            reports[$"step durations, {name}"] = JsonSerializer.Serialize(await Reports.GetStepDurationsAsync(range, workflow: null), Json);
            reports[$"step durations of deploy, {name}"] = JsonSerializer.Serialize(await Reports.GetStepDurationsAsync(range, "deploy"), Json);
            reports[$"failures, {name}"] = JsonSerializer.Serialize(await Reports.GetFailuresAsync(range, take: 10), Json);
            reports[$"workflows, {name}"] = JsonSerializer.Serialize(await Reports.GetWorkflowsAsync(range), Json);
        }

        return reports;
    }
}

public sealed class SqliteHistoryTiersTests : HistoryTiersContract
{
    private SqliteDatabase? _database;

    protected override async Task CreateAsync()
    {
        _database = await SqliteDatabase.CreateAsync();
        Services = _database.Services;
        ArchiveFolder = _database.ArchiveFolder;
    }

    public override async Task DisposeAsync() => await (_database?.DisposeAsync() ?? ValueTask.CompletedTask);
}
