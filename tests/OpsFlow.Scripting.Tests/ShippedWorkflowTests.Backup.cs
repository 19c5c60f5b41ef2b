using Microsoft.Data.Sqlite;
using OpsFlow.Engine.Model;
using static OpsFlow.Scripting.Tests.ShippedWorkflowHarness;

namespace OpsFlow.Scripting.Tests;

/// <summary>workflows/backup.csx on a real SQLite file that another connection is using while it runs.</summary>
[Collection(ShippedWorkflowsCollection.Name)]
public sealed class BackupWorkflowTests
{
    [Fact]
    public async Task Backup_LiveWalDatabase_WritesAVerifiedCopyAndKeepsOnlyTheNewest()
    {
        var folder = Directory.CreateTempSubdirectory("opsflow-db-").FullName;
        try
        {
            await BackUpAndCheckAsync(Path.Combine(folder, "opsflow.db"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Backup_KeepingOnlyTheNewCopy_IsForAdminsOnly_AsTheScriptDeclares()
    {
        await using var harness = new ShippedWorkflowHarness(new Dictionary<string, string?> { ["backup:database"] = Path.Combine(Path.GetTempPath(), "never-read.db") });
        await harness.LoadAsync();

        var refused = await harness.Engine.StartAsync(new OpsFlow.Engine.Execution.StartRunRequest("backup", new Dictionary<string, string?> { ["keep"] = "1" }, Alice, "test"));

        var forbidden = Assert.IsType<OpsFlow.Engine.Execution.StartRunResult.Forbidden>(refused);
        Assert.Equal("Starting backup with keep=1 is for role:admin only (rule at backup.csx:12); Alice is not.", forbidden.Reason);
        Assert.Contains(harness.Catalog.Find("backup")!.StartRules, r => r.When == "keep<2");
    }

    private static async Task BackUpAndCheckAsync(string database)
    {
        await using var harness = new ShippedWorkflowHarness(new Dictionary<string, string?> { ["backup:database"] = database });
        await harness.LoadAsync();

        // Left open and in WAL mode: the committed rows sit in the -wal file, which a plain file copy would miss.
        await using var live = new SqliteConnection($"Data Source={database};Pooling=False");
        await live.OpenAsync();
        await ExecuteAsync(live, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE runs (id INTEGER PRIMARY KEY, name TEXT);");
        await ExecuteAsync(live, string.Concat(Enumerable.Range(1, 50).Select(i => $"INSERT INTO runs (name) VALUES ('run {i}');")));

        var backups = Path.Combine(harness.DataPath, "backups");
        Directory.CreateDirectory(backups);
        string[] older = ["opsflow-20200101-000000-000.db", "opsflow-20210101-000000-000.db", "opsflow-20220101-000000-000.db"];
        foreach (var name in older)
        {
            await File.WriteAllTextAsync(Path.Combine(backups, name), "an older backup");
        }

        var run = await harness.StartAsync("backup", Alice, ("keep", "2"));
        await harness.WaitForRunAsync(run.Id, RunStatus.Succeeded);

        var file = (await harness.StepAsync(run.Id, "backup")).Outputs["file"];
        var verify = await harness.StepAsync(run.Id, "verify");
        Assert.Equal("50", verify.Outputs["rows"]);
        Assert.Equal(new FileInfo(file).Length.ToString(System.Globalization.CultureInfo.InvariantCulture), (await harness.StepAsync(run.Id, "backup")).Outputs["bytes"]);
        if (!OperatingSystem.IsWindows())
        {
            // Every run, log and audit entry is in it: the service account's alone, whatever the umask.
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        await using (var copy = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False"))
        {
            await copy.OpenAsync();
            await using var count = copy.CreateCommand();
            count.CommandText = "SELECT COUNT(*) FROM runs";
            Assert.Equal(50L, (long)(await count.ExecuteScalarAsync())!);
        }

        var kept = Directory.GetFiles(backups).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.True(kept.SequenceEqual([older[2], Path.GetFileName(file)]), $"keep=2 must leave the newest old backup and the new one, found: {string.Join(", ", kept)}");
        Assert.Equal("2", (await harness.StepAsync(run.Id, "retention")).Outputs["deleted"]);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
