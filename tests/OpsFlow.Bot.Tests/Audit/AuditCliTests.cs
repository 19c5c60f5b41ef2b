using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace OpsFlow.Bot.Tests.Audit;

/// <summary>`opsflow audit verify|list` in-process, on a database of their own (what other CLI tests write is not here).</summary>
public sealed class AuditCliTests(CliFolder folder) : IClassFixture<CliFolder>
{
    [Fact]
    public async Task Verify_AfterRunsStartedAtTheCli_SaysIntactWithTheCountAndExitsZero()
    {
        await folder.RunAsync("run", "greet", "ada");

        var (exit, output) = await folder.RunAsync("audit", "verify");

        Assert.True(exit == 0, $"exit {exit}:\n{output}");
        Assert.Matches(@"intact: [1-9][0-9]* entries", output);
    }

    [Fact]
    public async Task List_ARefusedStart_ShowsWhoFromTheCliAndHowItEnded_InEachFormat()
    {
        await folder.RunAsync("run", "greet", "ada", "--as", "victor");

        var (exit, table) = await folder.RunAsync("audit", "list", "--actor", "VICTOR", "--action", "start");
        var (csvExit, csv) = await folder.RunAsync("audit", "list", "--actor", "victor", "--format", "csv");
        var (jsonExit, jsonl) = await folder.RunAsync("audit", "list", "--actor", "victor", "--format", "jsonl", "--limit", "1");

        Assert.True(exit == 0, $"exit {exit}:\n{table}");
        Assert.Matches(@"│ start\s+│ Forbidden │ victor\s+│ cli\s+│ greet\s+│ Starting a run needs the operator role", table);
        Assert.Contains("newest first. Check the chain: opsflow audit verify", table, StringComparison.Ordinal);
        Assert.True(csvExit == 0, $"exit {csvExit}:\n{csv}");
        var csvLines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("seq,at,action,outcome,actor_name,actor_ids,via,target,detail,previous_hash,hash", csvLines[0]);
        Assert.Contains(csvLines, l => l.Contains(",start,Forbidden,victor,victor,cli,greet,", StringComparison.Ordinal));
        Assert.True(jsonExit == 0, $"exit {jsonExit}:\n{jsonl}");
        var entry = JsonDocument.Parse(Assert.Single(jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries))).RootElement;
        Assert.Equal(("start", "Forbidden", "cli"), (entry.GetProperty("action").GetString(), entry.GetProperty("outcome").GetString(), entry.GetProperty("via").GetString()));
    }

    [Theory]
    [InlineData("--from yesterday", "--from must be a date or a date and time such as 2026-11-01")]
    [InlineData("--from 2026-12-01 --to 2026-11-01", "--from must be before --to")]
    [InlineData("--format xml", "--format must be table, jsonl or csv, got 'xml'")]
    [InlineData("--limit 0", "--limit must be a whole number from 1 to 500")]
    public async Task List_BadOption_ExitsTwoSayingWhatToWrite(string options, string expected)
    {
        var (exit, output) = await folder.RunAsync(["audit", "list", .. options.Split(' ')]);

        Assert.True(exit == 2, $"exit {exit}:\n{output}");
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.Contains("opsflow audit list [options]", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_WithoutVerify_OrList_ExitsTwoListingThem()
    {
        var (exit, output) = await folder.RunAsync("audit");

        Assert.True(exit == 2, $"exit {exit}:\n{output}");
        Assert.Contains("verify", output, StringComparison.Ordinal);
        Assert.Contains("list", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_AfterARowWasAlteredInTheDatabase_NamesTheEntryAndExitsOne()
    {
        using var own = new CliFolder();
        await own.RunAsync("run", "greet", "grace");
        await own.RunAsync("run", "greet", "ada");
        await using (var db = new SqliteConnection($"Data Source={own.DatabasePath}"))
        {
            await db.OpenAsync();
            await using var update = db.CreateCommand();
            update.CommandText = "UPDATE audit_log SET ActorName = 'someone else' WHERE Seq = 1";
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        var (exit, output) = await own.RunAsync("audit", "verify");

        Assert.True(exit == 1, $"exit {exit}:\n{output}");
        Assert.Contains("the chain breaks at entry 1: entry 1 was altered (its content does not match its hash)", output, StringComparison.Ordinal);
    }
}
