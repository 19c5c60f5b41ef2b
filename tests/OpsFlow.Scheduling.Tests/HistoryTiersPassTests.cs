using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Scheduling.Tests;

/// <summary>docs/retention.md: what the daily pass asks of the tiers, and what it records, for each setting.</summary>
public sealed class HistoryTiersPassTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 3, 30, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Now);
    private readonly InMemoryAuditLog _audit = new();
    private readonly Recording _tiers = new();

    [Fact]
    public async Task ThePass_ArchivesBeforeHotDays_DeletesBeforeColdYears_AndAuditsEachFileInTheRunnersName()
    {
        var result = await Pass().RunAsync(new RetentionOptions { HotDays = 45, ColdYears = 2 }, "cli", "ada", CancellationToken.None);

        Assert.Equal(Now.AddDays(-45), _tiers.HotSince);
        Assert.Equal(Now.AddYears(-2), _tiers.ColdBefore);
        Assert.Equal((1, 1), (result.Archived.Count, result.Deleted.Count));
        var entries = await _audit.QueryAsync(new AuditQuery());
        Assert.Equal(
            [("archive", "runs-2026-10.jsonl.gz", "ada", "cli"), ("archive-delete", "runs-2024-09.jsonl.gz", "ada", "cli")],
            entries.Select(e => (e.Event.Action, e.Event.Target, e.Event.ActorName, e.Event.Via)));
        Assert.Contains("12 run(s) of 2026-10", entries[0].Event.Detail, StringComparison.Ordinal);
        Assert.Contains("older than 2 years", entries[1].Event.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ColdKeep_DeletesNothing_AndHotDaysZero_ArchivesNothing()
    {
        await Pass().RunAsync(new RetentionOptions { Cold = ColdTier.Keep }, "system", "OpsFlow", CancellationToken.None);
        Assert.Equal((Now.AddDays(-30), (DateTimeOffset?)null), (_tiers.HotSince, _tiers.ColdBefore));

        var tiers = new Recording();
        await new HistoryTiersPass(tiers, _audit, _clock, NullLogger<HistoryTiersPass>.Instance)
            .RunAsync(new RetentionOptions { HotDays = 0 }, "system", "OpsFlow", CancellationToken.None);
        Assert.Equal(((DateTimeOffset?)null, Now.AddYears(-3)), (tiers.HotSince, tiers.ColdBefore));
    }

    [Theory]
    [InlineData(7, 3, "HotDays is 7; use 0 (keep every run in the database) or at least 30")]
    [InlineData(-1, 3, "HotDays is -1")]
    [InlineData(30, 0, "ColdYears is 0; use at least 1, or set OpsFlow:Retention:Cold to Keep")]
    public void Problems_NameTheSettingAndTheFix(int hotDays, int coldYears, string expected)
    {
        var problem = Assert.Single(HistoryTiersPass.Problems(new RetentionOptions { HotDays = hotDays, ColdYears = coldYears }));

        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_OfTheDefaults_AndOfHotDaysZero_AreNone()
    {
        Assert.Empty(HistoryTiersPass.Problems(new RetentionOptions()));
        Assert.Empty(HistoryTiersPass.Problems(new RetentionOptions { HotDays = 0 }));
    }

    private HistoryTiersPass Pass() => new(_tiers, _audit, _clock, NullLogger<HistoryTiersPass>.Instance);

    /// <summary>Remembers what it was asked and answers one file each way.</summary>
    private sealed class Recording : IHistoryTiers
    {
        public DateTimeOffset? HotSince { get; private set; }

        public DateTimeOffset? ColdBefore { get; private set; }

        public Task<IReadOnlyList<ArchivedMonth>> ArchiveAsync(DateTimeOffset hotSince, CancellationToken cancellationToken = default)
        {
            HotSince = hotSince;
            return Task.FromResult<IReadOnlyList<ArchivedMonth>>([new ArchivedMonth("2026-10", "runs-2026-10.jsonl.gz", 12, 4096)]);
        }

        public Task<IReadOnlyList<DeletedArchive>> DeleteColdAsync(DateTimeOffset coldBefore, CancellationToken cancellationToken = default)
        {
            ColdBefore = coldBefore;
            return Task.FromResult<IReadOnlyList<DeletedArchive>>([new DeletedArchive("2024-09", "runs-2024-09.jsonl.gz", 30)]);
        }
    }
}
