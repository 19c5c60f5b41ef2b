using Microsoft.Data.Sqlite;

namespace OpsFlow.Bot.Tests;

/// <summary>`opsflow backup` and `opsflow restore` on the folder's SQLite database, in-process.</summary>
public sealed class CliBackupTests : IDisposable, IAsyncLifetime
{
    private readonly CliFolder _folder = new();

    private string Backups => Path.Combine(Path.GetDirectoryName(_folder.DatabasePath)!, "backups");

    public Task InitializeAsync() => _folder.InitializeAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Backup_ThenMoreRuns_ThenRestore_TheRunsAreThoseOfTheBackup_AndTheRestoreIsAudited()
    {
        var (firstExit, first) = await _folder.RunAsync("run", "greet", "ada");
        Assert.True(firstExit == 0, first);
        var (backupExit, backedUp) = await Cli("backup");
        Assert.True(backupExit == 0, $"exit {backupExit}:\n{backedUp}");
        var file = Directory.GetFiles(Backups, "opsflow-*.db").Single();
        var (secondExit, second) = await _folder.RunAsync("run", "greet", "grace");
        Assert.True(secondExit == 0, second);
        // This process's pooled connections are the last "host" to stop.
        SqliteConnection.ClearAllPools();

        var (exit, output) = await Cli("restore", file, "--yes");

        Assert.True(exit == 0, $"exit {exit}:\n{output}");
        Assert.Contains("as the manifest says", output, StringComparison.Ordinal);
        var (_, runs) = await _folder.RunAsync("runs");
        Assert.Contains(CliFolder.RunId(first), runs, StringComparison.Ordinal);
        Assert.DoesNotContain(CliFolder.RunId(second), runs, StringComparison.Ordinal);
        var (_, audit) = await _folder.RunAsync("audit", "list", "--action", "restore", "--format", "jsonl");
        Assert.Contains(Path.GetFileName(file), audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restore_WithoutAConsoleOrYes_ExitsTwoAndChangesNothing()
    {
        var (backupExit, backedUp) = await Cli("backup");
        Assert.True(backupExit == 0, backedUp);
        var file = Directory.GetFiles(Backups, "opsflow-*.db").Single();
        var before = File.GetLastWriteTimeUtc(_folder.DatabasePath);

        var (exit, output) = await Cli("restore", file);

        Assert.True(exit == 2, $"exit {exit}:\n{output}");
        Assert.Contains("add --yes to go ahead", output, StringComparison.Ordinal);
        Assert.Equal(before, File.GetLastWriteTimeUtc(_folder.DatabasePath));
    }

    private Task<(int ExitCode, string Output)> Cli(params string[] args) =>
        _folder.RunAsync([.. args, $"--OpsFlow:Backup:Folder={Backups}"]);
}
