using Microsoft.Data.Sqlite;
using OpsFlow.Engine.Model;
using static OpsFlow.Scripting.Tests.ShippedWorkflowHarness;

namespace OpsFlow.Scripting.Tests;

/// <summary>
/// workflows/backup.csx's rules, and the SQLite helper scripts use for databases of their own. The backup of the
/// OpsFlow database itself is drilled in OpsFlow.Persistence.Tests (BackupDrillContract) and run through the host
/// in OpsFlow.Bot.Tests (BackupWorkflowTests).
/// </summary>
[Collection(ShippedWorkflowsCollection.Name)]
public sealed class BackupWorkflowTests
{
    [Fact]
    public async Task Backup_KeepingOnlyTheNewCopy_IsForAdminsOnly_AsTheScriptDeclares()
    {
        await using var harness = new ShippedWorkflowHarness();
        await harness.LoadAsync();

        var refused = await harness.Engine.StartAsync(new OpsFlow.Engine.Execution.StartRunRequest("backup", new Dictionary<string, string?> { ["keep"] = "1" }, Alice, "test"));

        var forbidden = Assert.IsType<OpsFlow.Engine.Execution.StartRunResult.Forbidden>(refused);
        Assert.Equal("Starting backup with keep=1 is for role:admin only (rule at backup.csx:14); Alice is not.", forbidden.Reason);
        Assert.Contains(harness.Catalog.Find("backup")!.StartRules, r => r.When == "keep<2");
    }

    [Fact]
    public async Task BackupSqlite_ALiveWalDatabase_CopiesWhatOnlyTheWalHolds_ReadableByTheOwnerOnly()
    {
        using var folder = new ScriptFolder();
        var database = Path.Combine(folder.BasePath, "app.db");
        var copy = Path.Combine(folder.BasePath, "copies", "app-copy.db");
        // Left open and in WAL mode: the committed rows sit in the -wal file, which a plain file copy would miss.
        await using var live = new SqliteConnection($"Data Source={database};Pooling=False");
        await live.OpenAsync();
        await ExecuteAsync(live, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE runs (id INTEGER PRIMARY KEY, name TEXT);");
        await ExecuteAsync(live, string.Concat(Enumerable.Range(1, 50).Select(i => $"INSERT INTO runs (name) VALUES ('run {i}');")));
        folder.Write("copy-db.csx", $$"""
            Workflow("copy-db");
            var copy = Step("copy", async ctx => ctx.SetOutput("bytes", await ctx.BackupSqlite(@"{{database}}", @"{{copy}}")));
            Step("check", async ctx => ctx.SetOutput("rows", (await ctx.VerifySqlite(@"{{copy}}")).TotalRows)).After(copy);
            """);
        await folder.Catalog.ReloadAsync();
        await using var engine = new EngineHarness(new InMemoryRunStore(), TimeProvider.System, folder.Catalog, within: TimeSpan.FromSeconds(60));

        var run = await engine.StartAsync("copy-db", Alice);
        await engine.WaitForRunAsync(run.Id, RunStatus.Succeeded);

        Assert.Equal("50", (await engine.StepAsync(run.Id, "check")).Outputs["rows"]);
        Assert.Equal(new FileInfo(copy).Length.ToString(System.Globalization.CultureInfo.InvariantCulture), (await engine.StepAsync(run.Id, "copy")).Outputs["bytes"]);
        Assert.False(File.Exists(copy + ".partial"), "the partial file is renamed into place");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(copy));
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
