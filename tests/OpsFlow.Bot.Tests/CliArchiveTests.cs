using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Persistence;
using OpsFlow.Persistence.Sqlite;

namespace OpsFlow.Bot.Tests;

/// <summary>`opsflow archive` and `opsflow show` of an archived run, on the folder's SQLite database, in-process.</summary>
public sealed class CliArchiveTests : IDisposable, IAsyncLifetime
{
    private readonly CliFolder _folder = new();

    public Task InitializeAsync() => _folder.InitializeAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Archive_MovesAMonthOfOldRuns_ShowReadsTheRunFromTheArchive_AndTheMoveIsAudited()
    {
        var created = TimeProvider.System.GetUtcNow().AddDays(-100);
        var file = $"runs-{created:yyyy-MM}.jsonl.gz";
        await SeedAsync("cli-old-run", created);
        var (recentExit, recent) = await _folder.RunAsync("run", "greet", "ada");
        Assert.True(recentExit == 0, recent);

        var (exit, output) = await _folder.RunAsync("archive");

        Assert.True(exit == 0, $"exit {exit}:\n{output}");
        Assert.Contains($"archived 1 run(s) of {created:yyyy-MM} to {Path.Combine(_folder.ArchiveFolder, file)}", output, StringComparison.Ordinal);
        var (showExit, show) = await _folder.RunAsync("show", "cli-old-run");
        Assert.True(showExit == 0, $"exit {showExit}:\n{show}");
        Assert.Contains($"yes, read from {file}", show, StringComparison.Ordinal);
        Assert.Matches(@"│ work\s+│ ✓ Succeeded", show);
        Assert.Contains("run: - → Pending", show, StringComparison.Ordinal);
        var (_, log) = await _folder.RunAsync("show", "cli-old-run", "--log", "work");
        Assert.Contains("working", log, StringComparison.Ordinal);
        var (_, recentShow) = await _folder.RunAsync("show", CliFolder.RunId(recent));
        Assert.DoesNotContain("read from", recentShow, StringComparison.Ordinal);
        var (_, audit) = await _folder.RunAsync("audit", "list", "--action", "archive", "--format", "jsonl");
        Assert.Contains(file, audit, StringComparison.Ordinal);
        Assert.Contains("\"via\":\"cli\"", audit, StringComparison.Ordinal);

        var (againExit, again) = await _folder.RunAsync("archive");
        Assert.True(againExit == 0, again);
        Assert.Contains("Nothing to move", again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Archive_WithAHotTierShorterThanTheFailureLookBack_ExitsTwoSayingWhatToSet()
    {
        var (exit, output) = await _folder.RunAsync("archive", "--OpsFlow:Retention:HotDays=7");

        Assert.True(exit == 2, $"exit {exit}:\n{output}");
        Assert.Contains("OpsFlow:Retention:HotDays is 7; use 0 (keep every run in the database) or at least 30", output, StringComparison.Ordinal);
    }

    /// <summary>A finished run created at <paramref name="at"/>, written as a host would have, long ago.</summary>
    private async Task SeedAsync(string id, DateTimeOffset at)
    {
        await using (var services = new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddOpsFlowSqlite($"Data Source={_folder.DatabasePath}")
            .BuildServiceProvider())
        {
            await services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
            await SeededRuns.FinishedAsync(services.GetRequiredService<IRunStore>(), id, "deploy", at, RunStatus.Succeeded, 60, StepStatus.Succeeded, null);
        }

        SqliteConnection.ClearAllPools();
    }
}
