using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Ports;
using OpsFlow.Persistence.Sqlite;
using Xunit.Abstractions;

namespace OpsFlow.Persistence.Tests;

/// <summary>
/// The SQLite store answers step durations from a monthly rollup it keeps in each write, plus the step rows at
/// the range's edges. These tests hold it to the in-memory store, which reads every row, on random histories.
/// </summary>
public sealed class StepDurationRollupTests(ITestOutputHelper output)
{
    private const int Seed = 20261126;
    private static readonly DateTimeOffset Start = RandomStepHistory.Start;

    [Fact]
    public async Task RandomHistory_KeptLive_AnswersLikeTheStepRows_ForAlignedAndUnalignedRanges_AndSurvivesARebuildAndRetention()
    {
        output.WriteLine($"seed {Seed}, 300 runs");
        var history = new RandomStepHistory(Seed, runs: 300);
        var memory = new InMemoryRunStore();
        await history.PlayAsync(memory);
        await using var database = await SqliteDatabase.CreateAsync();
        await history.PlayAsync(database.Store);
        var ranges = Ranges(new Random(Seed)).ToArray();

        await AssertSameAsync(new InMemoryRunReports(memory), database.Reports, ranges);

        Assert.True(await RollupRowsAsync(database) > 0, "the writes must have filled the rollup");
        await database.Store.TrimStepLogsAsync(Start.AddYears(1));
        await RequestBackfillAsync(database);
        await database.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        Assert.Equal(0, await PendingBackfillsAsync(database));
        await AssertSameAsync(new InMemoryRunReports(memory), database.Reports, ranges);
    }

    [Fact]
    public async Task ExistingDatabase_WithHistoryOutsideTheRollup_IsBackfilledAtTheNextStart()
    {
        var history = new RandomStepHistory(Seed + 1, runs: 200);
        var memory = new InMemoryRunStore();
        await history.PlayAsync(memory);
        var folder = Path.Combine(Path.GetTempPath(), "opsflow-tests", Guid.NewGuid().ToString("n"));
        await using (var services = Services(folder))
        {
            // Step rows written past the store, as a version before the rollup wrote them, and the rebuild asked for as a
            // migration that adds a derived table asks for it.
            await using var db = await services.GetRequiredService<IDbContextFactory<OpsFlowDbContext>>().CreateDbContextAsync();
            await db.GetService<IMigrator>().MigrateAsync();
            foreach (var (run, steps) in history.Final)
            {
                db.Runs.Add(Mapping.ToRow(run));
                db.Steps.AddRange(steps.Select(Mapping.ToRow));
            }

            db.PendingBackfills.Add(new PendingBackfillRow { Name = StepDurationRollup.BackfillName });
            await db.SaveChangesAsync();
        }

        await using var database = await SqliteDatabase.CreateAsync(folder: folder);

        Assert.Equal(0, await PendingBackfillsAsync(database));
        Assert.True(await RollupRowsAsync(database) > 0, "the start after the upgrade must build the rollup from the step rows");
        await AssertSameAsync(new InMemoryRunReports(memory), database.Reports, Ranges(new Random(Seed)).ToArray());
    }

    /// <summary>Whole months, ranges that cut months, one-day and empty ranges, and a workflow filter.</summary>
    private static IEnumerable<(ReportRange Range, string? Workflow)> Ranges(Random random)
    {
        yield return (new ReportRange(Start.AddMonths(-1), Start.AddYears(1)), null);
        yield return (new ReportRange(new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)), null);
        yield return (new ReportRange(new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero)), "w2");
        yield return (new ReportRange(Start.AddDays(5), Start.AddDays(5)), null);
        for (var i = 0; i < 30; i++)
        {
            var from = Start.AddMinutes(random.Next(90 * 24 * 60) - (5 * 24 * 60));
            var to = from.AddMinutes(random.Next(i % 3 == 0 ? 24 * 60 : 75 * 24 * 60));
            yield return (new ReportRange(from, to), i % 4 == 0 ? $"w{random.Next(4)}" : null);
        }
    }

    private static async Task AssertSameAsync(InMemoryRunReports expected, IRunReports actual, (ReportRange Range, string? Workflow)[] ranges)
    {
        var nonEmpty = 0;
        foreach (var (range, workflow) in ranges)
        {
            var want = await expected.GetStepDurationsAsync(range, workflow);
            var got = await actual.GetStepDurationsAsync(range, workflow);
            nonEmpty += want.Count > 0 ? 1 : 0;
            Assert.True(want.SequenceEqual(got), $"{range.From:O} to {range.To:O}, workflow {workflow ?? "any"}:\nexpected {string.Join("\n", want)}\ngot {string.Join("\n", got)}");
        }

        Assert.True(nonEmpty > ranges.Length / 2, $"only {nonEmpty} of {ranges.Length} ranges had steps: the comparison proves little");
    }

    private static ServiceProvider Services(string folder) => new ServiceCollection()
        .AddOpsFlowSqlite($"Data Source={Path.Combine(folder, "opsflow.db")}")
        .BuildServiceProvider();

    private static async Task RequestBackfillAsync(SqliteDatabase database)
    {
        await using var db = await Contexts(database).CreateDbContextAsync();
        db.PendingBackfills.Add(new PendingBackfillRow { Name = StepDurationRollup.BackfillName });
        await db.SaveChangesAsync();
    }

    private static async Task<int> PendingBackfillsAsync(SqliteDatabase database)
    {
        await using var db = await Contexts(database).CreateDbContextAsync();
        return await db.PendingBackfills.CountAsync();
    }

    private static async Task<int> RollupRowsAsync(SqliteDatabase database)
    {
        await using var db = await Contexts(database).CreateDbContextAsync();
        return await db.StepDurationRollup.CountAsync();
    }

    private static IDbContextFactory<OpsFlowDbContext> Contexts(SqliteDatabase database) =>
        database.Services.GetRequiredService<IDbContextFactory<OpsFlowDbContext>>();
}
