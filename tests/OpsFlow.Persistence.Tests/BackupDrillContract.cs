using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using OpsFlow.Engine.Ports;
using OpsFlow.Persistence.Backups;
using OpsFlow.Persistence.Postgres;
using OpsFlow.Persistence.Sqlite;
using OpsFlow.Testing;

namespace OpsFlow.Persistence.Tests;

/// <summary>
/// Backups of the OpsFlow database, drilled on each kind: back up, change data, restore, compare. "The host" is a
/// service provider on the test's database; stopping it closes every connection, as stopping a host does.
/// </summary>
public abstract class BackupDrillContract : IAsyncLifetime
{
    private const string Key = "backup-key";
    private readonly string _folder = Directory.CreateTempSubdirectory("opsflow-backups-").FullName;
    private readonly Dictionary<string, string> _secrets = new() { [Key] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) };

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 7, 3, 0, 0, TimeSpan.Zero));

    private string Backups => Path.Combine(_folder, "backups");

    private string SecondPlace => Path.Combine(_folder, "offsite");

    public abstract Task InitializeAsync();

    public virtual Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>A host's services on this test's database, migrated.</summary>
    protected abstract ServiceProvider Services();

    /// <summary>Closes what the provider (and this process's pools) hold open: the host has stopped.</summary>
    protected abstract Task StopAsync(ServiceProvider host);

    [Fact]
    public async Task BackUp_Change_Restore_TheDatabaseIsAsAtTheBackup_AndItsAuditChainHolds()
    {
        var host = await StartAsync();
        await AuditAsync(host, "before-1", "before-2", "before-3");
        var backup = await Backups_(host).BackUpAsync(_ => { }, CancellationToken.None);
        await AuditAsync(host, "after-1", "after-2");
        await StopAsync(host);

        var restored = await Backups_(Services()).RestoreAsync(Path.Combine(Backups, backup.File), _ => { }, CancellationToken.None);

        host = await StartAsync();
        var audit = host.GetRequiredService<IAuditLog>();
        var actions = (await audit.QueryAsync(new AuditQuery())).Select(e => e.Event.Action).ToArray();
        Assert.True(actions.SequenceEqual(["before-1", "before-2", "before-3"]), $"after the restore the audit log holds: {string.Join(", ", actions)}");
        Assert.True((await audit.VerifyAsync()).Intact, "the restored audit chain must verify");
        Assert.Equal(backup.Sha256, restored.Sha256);
        Assert.True(backup.Rows.Count > 5 && backup.Rows.Values.Sum() >= 3, $"the manifest counts every table: {string.Join(", ", backup.Rows)}");
        await StopAsync(host);
    }

    [Fact]
    public async Task Encrypted_CopiedToASecondPlace_TheCopyRestores_AndNoPlainTextIsLeftAnywhere()
    {
        var host = await StartAsync();
        await AuditAsync(host, "secret-marker-7f3a");
        var backups = Backups_(host, encrypted: true, copy: true);

        var backup = await backups.BackUpAsync(_ => { }, CancellationToken.None);
        await StopAsync(host);

        Assert.True(backup.Encrypted);
        var copy = Path.Combine(SecondPlace, backup.File);
        Assert.True(BackupCipher.IsEncrypted(copy), "the second copy is the encrypted file");
        Assert.Equal(backup.Sha256, await BackupManifest.HashAsync(copy, CancellationToken.None));
        Assert.DoesNotContain(Directory.EnumerateFiles(_folder, "*", SearchOption.AllDirectories), f => f.EndsWith(".partial", StringComparison.Ordinal));
        Assert.False((await File.ReadAllBytesAsync(copy)).AsSpan().IndexOf("secret-marker-7f3a"u8) >= 0, "the audit detail must not be readable in the encrypted file");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Backups, backup.File)));
        }

        await Backups_(Services(), encrypted: true).RestoreAsync(copy, _ => { }, CancellationToken.None);

        host = await StartAsync();
        Assert.Contains(await host.GetRequiredService<IAuditLog>().QueryAsync(new AuditQuery()), e => e.Event.Action == "secret-marker-7f3a");
        await StopAsync(host);
    }

    [Fact]
    public async Task Restore_WithAWrongKey_SaysSo_AndChangesNothing()
    {
        var host = await StartAsync();
        await AuditAsync(host, "kept");
        var backup = await Backups_(host, encrypted: true).BackUpAsync(_ => { }, CancellationToken.None);
        await AuditAsync(host, "still-here");
        await StopAsync(host);
        _secrets[Key] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

        var refused = await Assert.ThrowsAsync<BackupException>(() => Backups_(Services(), encrypted: true).RestoreAsync(Path.Combine(Backups, backup.File), _ => { }, CancellationToken.None));

        Assert.Contains("does not decrypt with this key", refused.Message, StringComparison.Ordinal);
        host = await StartAsync();
        Assert.Contains(await host.GetRequiredService<IAuditLog>().QueryAsync(new AuditQuery()), e => e.Event.Action == "still-here");
        await StopAsync(host);
    }

    [Fact]
    public async Task Restore_WhileAHostStillUsesTheDatabase_IsRefusedNamingIt()
    {
        var host = await StartAsync();
        var backup = await Backups_(host).BackUpAsync(_ => { }, CancellationToken.None);
        await AuditAsync(host, "a host is running");

        var refused = await Assert.ThrowsAsync<BackupException>(() => Backups_(Services()).RestoreAsync(Path.Combine(Backups, backup.File), _ => { }, CancellationToken.None));

        Assert.Contains("the database is in use; stop every OpsFlow host", refused.Message, StringComparison.Ordinal);
        await StopAsync(host);
    }

    [Fact]
    public async Task Restore_AFileChangedSinceOrWithoutItsManifest_IsRefused()
    {
        var host = await StartAsync();
        var backup = await Backups_(host).BackUpAsync(_ => { }, CancellationToken.None);
        await StopAsync(host);
        var file = Path.Combine(Backups, backup.File);
        var loose = Path.Combine(_folder, "loose" + Path.GetExtension(file));
        File.Copy(file, loose);
        await using (var stream = new FileStream(file, FileMode.Append))
        {
            stream.WriteByte(0);
        }

        var changed = await Assert.ThrowsAsync<BackupException>(() => Backups_(Services()).RestoreAsync(file, _ => { }, CancellationToken.None));
        var unverified = await Assert.ThrowsAsync<BackupException>(() => Backups_(Services()).RestoreAsync(loose, _ => { }, CancellationToken.None));

        Assert.Contains("does not match the checksum in its manifest", changed.Message, StringComparison.Ordinal);
        Assert.Contains("has no manifest", unverified.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackUp_CancelledWhileItCopies_LeavesNoFileBehind()
    {
        var host = await StartAsync();
        await MakeItBigAsync(host);
        using var cancel = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Backups_(host).BackUpAsync(_ => cancel.Cancel(), cancel.Token));

        Assert.Empty(Directory.Exists(Backups) ? Directory.GetFiles(Backups) : []);
        await StopAsync(host);
    }

    [Fact]
    public async Task Prune_KeepsTheNewestGoodOnes_CountsOnlyGoodOnes_AndNeverTheLastGood()
    {
        var host = await StartAsync();
        var first = await Backups_(host).BackUpAsync(_ => { }, CancellationToken.None);
        Clock.Advance(TimeSpan.FromDays(1));
        var second = await Backups_(host).BackUpAsync(_ => { }, CancellationToken.None);
        Clock.Advance(TimeSpan.FromDays(1));
        var third = await Backups_(host).BackUpAsync(_ => { }, CancellationToken.None);
        await StopAsync(host);
        // Newer than every good one, but never verified (no manifest): it does not count, and it is not deleted.
        var unverified = Path.Combine(Backups, "opsflow-20991231-000000-000" + Path.GetExtension(third.File));
        await File.WriteAllTextAsync(unverified, "not a backup");

        var deleted = await Backups_(Services()).PruneAsync(2, _ => { }, CancellationToken.None);
        var lastOne = await Backups_(Services()).PruneAsync(1, _ => { }, CancellationToken.None);

        Assert.Equal([Path.Combine(Backups, first.File)], deleted);
        Assert.Equal([Path.Combine(Backups, second.File)], lastOne);
        Assert.True(File.Exists(Path.Combine(Backups, third.File)) && File.Exists(BackupManifest.PathFor(Path.Combine(Backups, third.File))), "the newest good backup stays");
        Assert.True(File.Exists(unverified), "a file without a manifest is not counted or deleted by count");
        await Assert.ThrowsAsync<BackupException>(() => Backups_(Services()).PruneAsync(0, _ => { }, CancellationToken.None));
    }

    /// <summary>Enough data that a copy takes several steps (SQLite copies 4 MiB a step).</summary>
    protected abstract Task MakeItBigAsync(ServiceProvider host);

    private async Task<ServiceProvider> StartAsync()
    {
        var host = Services();
        await host.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        return host;
    }

    private DatabaseBackups Backups_(ServiceProvider host, bool encrypted = false, bool copy = false) =>
        new(
            host.GetRequiredService<IDatabaseBackup>(),
            new BackupOptions { Folder = Backups, CopyTo = copy ? SecondPlace : null, EncryptionKeySecret = encrypted ? Key : null },
            new Secrets(_secrets),
            Clock,
            NullLogger<DatabaseBackups>.Instance);

    private async Task AuditAsync(ServiceProvider host, params string[] actions)
    {
        var audit = host.GetRequiredService<IAuditLog>();
        foreach (var action in actions)
        {
            await audit.AppendAsync(new AuditEvent(Clock.GetUtcNow(), action, AuditOutcome.Done, "Dana", ["dana"], "test", "db", $"detail of {action}"));
        }
    }

    private sealed class Secrets(Dictionary<string, string> values) : ISecretSource
    {
        public IReadOnlyCollection<string> Values => values.Values;

        public bool TryGet(string name, out string value) => values.TryGetValue(name, out value!);
    }
}

public sealed class SqliteBackupDrillTests : BackupDrillContract
{
    private readonly string _database = Path.Combine(Directory.CreateTempSubdirectory("opsflow-db-").FullName, "opsflow.db");

    public override Task InitializeAsync() => Task.CompletedTask;

    public override async Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Path.GetDirectoryName(_database)!, recursive: true);
        await base.DisposeAsync();
    }

    protected override ServiceProvider Services() =>
        new ServiceCollection().AddSingleton<TimeProvider>(Clock).AddOpsFlowSqlite($"Data Source={_database}").BuildServiceProvider();

    protected override async Task StopAsync(ServiceProvider host)
    {
        await host.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }

    protected override async Task MakeItBigAsync(ServiceProvider host)
    {
        await using var connection = new SqliteConnection($"Data Source={_database};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE scratch (data BLOB); INSERT INTO scratch VALUES (randomblob(12582912));";
        await command.ExecuteNonQueryAsync();
    }
}

[Trait(Categories.Name, Categories.Slow)]
public sealed class PostgresBackupDrillTests : BackupDrillContract
{
    private string _connectionString = "";

    public override async Task InitializeAsync() => _connectionString = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync("backup");

    protected override ServiceProvider Services() =>
        new ServiceCollection().AddSingleton<TimeProvider>(Clock).AddOpsFlowPostgres(_connectionString).BuildServiceProvider();

    protected override async Task StopAsync(ServiceProvider host)
    {
        await host.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        // A closed connection's server process ends a moment after the client lets go: the host has stopped once the
        // server no longer lists its sessions, which is what a restore checks.
        await Wait.UntilAsync(async () => await OtherSessionsAsync() == 0, "the stopped host's sessions to end on the server");
    }

    private async Task<long> OtherSessionsAsync()
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_connectionString) { Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    protected override async Task MakeItBigAsync(ServiceProvider host)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("CREATE TABLE scratch AS SELECT g AS id, md5(g::text) AS text FROM generate_series(1, 200000) g", connection);
        await command.ExecuteNonQueryAsync();
    }
}
