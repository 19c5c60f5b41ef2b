using System.Globalization;
using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Persistence.Backups;

/// <summary>
/// Backups of the OpsFlow database, the same way for SQLite and PostgreSQL (<see cref="IDatabaseBackup"/> does what
/// differs): written under a temporary name, verified, encrypted when a key is configured, renamed into place and
/// only then given a manifest, which makes it a good backup; copied to the second location; pruned without ever
/// removing the last good one; restored only onto a database nobody uses, and checked against the manifest after.
/// </summary>
public sealed partial class DatabaseBackups(IDatabaseBackup database, BackupOptions options, ISecretSource secrets, TimeProvider clock, ILogger<DatabaseBackups> logger)
{
    private const string Prefix = "opsflow-";
    private const string Partial = ".partial";

    /// <summary>The database kind backups of this host are of.</summary>
    public string Kind => database.Kind;

    public string Folder => options.Folder;

    /// <summary>Writes, verifies and stores one backup; returns its manifest. A failure or a cancel leaves no file behind.</summary>
    public async Task<BackupManifest> BackUpAsync(Action<string> log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        var key = EncryptionKey();
        var now = clock.GetUtcNow();
        var name = $"{Prefix}{now:yyyyMMdd-HHmmss-fff}{database.Extension}{(key is null ? "" : ".enc")}";
        var final = Path.Combine(options.Folder, name);
        var plain = final + ".plain" + Partial;
        var sealedFile = final + Partial;
        try
        {
            BackupTools.CreateOwnerOnly(plain);
            var contents = await database.WriteAsync(plain, log, cancellationToken);
            await database.VerifyAsync(plain, log, cancellationToken);
            var stored = plain;
            if (key is not null)
            {
                await BackupCipher.EncryptAsync(plain, sealedFile, key, cancellationToken);
                await CheckDecryptsAsync(sealedFile, plain, key, cancellationToken);
                stored = sealedFile;
                log("encrypted (AES-256-GCM) and checked: it decrypts to the verified copy");
            }

            File.Move(stored, final);
            var manifest = new BackupManifest(name, database.Kind, now, new FileInfo(final).Length, await BackupManifest.HashAsync(final, cancellationToken), key is not null, contents.Rows);
            await manifest.WriteAsync(options.Folder, cancellationToken);
            Log.BackedUp(logger, final, manifest.Bytes, contents.TotalRows);
            log($"backup written: {final} ({manifest.Bytes} bytes, {contents.Rows.Count} tables, {contents.TotalRows} rows)");
            if (options.CopyTo is { } copyTo)
            {
                await CopyAsync(final, manifest, copyTo, cancellationToken);
                log($"copied to {Path.Combine(copyTo, name)} (checksum matches)");
            }

            return manifest;
        }
        finally
        {
            BackupTools.DeleteQuietly(plain);
            BackupTools.DeleteQuietly(sealedFile);
        }
    }

    /// <summary>
    /// Keeps the newest <paramref name="keep"/> good backups in each location and deletes older ones (with their
    /// manifests), and partial files a failed backup left; a location's last good backup is never deleted. Returns what was deleted.
    /// </summary>
    public Task<IReadOnlyList<string>> PruneAsync(int keep, Action<string> log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (keep < 1)
        {
            throw new BackupException($"keep must be at least 1 (it is {keep}): the newest good backup is always kept");
        }

        var deleted = new List<string>();
        foreach (var folder in new[] { options.Folder, options.CopyTo }.OfType<string>().Where(Directory.Exists))
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Names hold a sortable UTC time, so name order is age order; the file system's dates may be copied or touched.
            var good = Directory.EnumerateFiles(folder, Prefix + "*")
                .Where(f => !f.EndsWith(".json", StringComparison.Ordinal) && !f.EndsWith(Partial, StringComparison.Ordinal) && File.Exists(BackupManifest.PathFor(f)))
                .OrderByDescending(f => Path.GetFileName(f), StringComparer.Ordinal)
                .ToArray();
            foreach (var old in good.Skip(keep))
            {
                File.Delete(BackupManifest.PathFor(old));
                File.Delete(old);
                deleted.Add(old);
                log($"deleted {old}");
            }

            // Left by a backup that died (a kill, a power cut) before it could clean up; an hour is longer than any backup.
            foreach (var stale in Directory.EnumerateFiles(folder, Prefix + "*" + Partial).Where(f => clock.GetUtcNow() - File.GetLastWriteTimeUtc(f) > TimeSpan.FromHours(1)))
            {
                File.Delete(stale);
                deleted.Add(stale);
                log($"deleted the unfinished {stale}");
            }

            log($"{folder}: kept the newest {Math.Min(keep, good.Length)} good backup(s)");
        }

        return Task.FromResult<IReadOnlyList<string>>(deleted);
    }

    /// <summary>
    /// Restores <paramref name="file"/> onto the database: only a good backup (its manifest beside it, its checksum
    /// matching, of this database kind), only while no one else uses the database, and checked afterwards: every
    /// table must hold the rows the manifest recorded.
    /// </summary>
    public async Task<BackupManifest> RestoreAsync(string file, Action<string> log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        file = Path.GetFullPath(file);
        if (!File.Exists(file))
        {
            throw new BackupException($"there is no backup at {file}");
        }

        var manifest = await BackupManifest.ReadAsync(file, cancellationToken)
            ?? throw new BackupException($"{file} has no manifest ({Path.GetFileName(BackupManifest.PathFor(file))}) beside it: it was never verified, or it was copied without it; restore a backup together with its .json");
        if (manifest.Kind != database.Kind)
        {
            throw new BackupException($"{file} is a {manifest.Kind} backup and this host's database is {database.Kind}; restore it onto a {manifest.Kind} database");
        }

        if (await BackupManifest.HashAsync(file, cancellationToken) != manifest.Sha256)
        {
            throw new BackupException($"{file} does not match the checksum in its manifest: it changed since it was written; take another backup");
        }

        var users = await database.OtherUsersAsync(cancellationToken);
        if (users.Count > 0)
        {
            throw new BackupException($"the database is in use; stop every OpsFlow host (and anything else using it) first:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", users)}");
        }

        var plain = file;
        // A folder only this account may enter (0700): the decrypted copy is the whole database in clear.
        var work = Directory.CreateTempSubdirectory("opsflow-restore-");
        var decrypted = Path.Combine(work.FullName, "backup" + database.Extension);
        try
        {
            if (manifest.Encrypted)
            {
                var key = EncryptionKey() ?? throw new BackupException($"{file} is encrypted and OpsFlow:Backup:EncryptionKeySecret names no key; configure the key it was written with");
                await BackupCipher.DecryptAsync(file, decrypted, key, cancellationToken);
                plain = decrypted;
                log("decrypted");
            }

            await database.VerifyAsync(plain, log, cancellationToken);
            var restored = await database.RestoreAsync(plain, log, cancellationToken);
            var different = manifest.Rows
                .Where(table => restored.Rows.GetValueOrDefault(table.Key, -1) != table.Value)
                .Select(table => $"{table.Key}: {restored.Rows.GetValueOrDefault(table.Key, 0)} rows, the backup had {table.Value}")
                .ToArray();
            if (different.Length > 0)
            {
                throw new BackupException($"restored, but the database does not hold what the backup did: {string.Join("; ", different)}");
            }

            Log.Restored(logger, file, restored.TotalRows);
            log($"restored {file} (from {manifest.CreatedAt:u}): {restored.Rows.Count} tables, {restored.TotalRows} rows, as the manifest says");
            return manifest;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private byte[]? EncryptionKey()
    {
        if (options.EncryptionKeySecret is not { Length: > 0 } name)
        {
            return null;
        }

        return secrets.TryGet(name, out var value) && value.Length > 0
            ? BackupCipher.Key(value, name)
            : throw new BackupException($"OpsFlow:Backup:EncryptionKeySecret is '{name}' but OpsFlow:Secrets has no such secret; set OpsFlow__Secrets__{name} to a key from `openssl rand -base64 32`");
    }

    private static async Task CheckDecryptsAsync(string sealedFile, string plain, byte[] key, CancellationToken cancellationToken)
    {
        var check = sealedFile + ".check";
        try
        {
            await BackupCipher.DecryptAsync(sealedFile, check, key, cancellationToken);
            if (await BackupManifest.HashAsync(check, cancellationToken) != await BackupManifest.HashAsync(plain, cancellationToken))
            {
                throw new BackupException($"{sealedFile} does not decrypt to the verified copy");
            }
        }
        finally
        {
            BackupTools.DeleteQuietly(check);
        }
    }

    /// <summary>Copied under a temporary name, its checksum checked, renamed; the manifest last, so the copy is good or absent.</summary>
    private static async Task CopyAsync(string file, BackupManifest manifest, string folder, CancellationToken cancellationToken)
    {
        var target = Path.Combine(folder, manifest.File);
        var partial = target + Partial;
        try
        {
            BackupTools.CreateOwnerOnly(partial);
            await using (var from = File.OpenRead(file))
            await using (var to = new FileStream(partial, FileMode.Truncate, FileAccess.Write))
            {
                await from.CopyToAsync(to, cancellationToken);
                to.Flush(flushToDisk: true);
            }

            if (await BackupManifest.HashAsync(partial, cancellationToken) != manifest.Sha256)
            {
                throw new BackupException($"the copy at {partial} does not match the backup's checksum");
            }

            File.Move(partial, target, overwrite: true);
            await manifest.WriteAsync(folder, cancellationToken);
        }
        finally
        {
            BackupTools.DeleteQuietly(partial);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(7600, LogLevel.Information, "Backup written: {File}, {Bytes} bytes, {Rows} rows")]
        public static partial void BackedUp(ILogger logger, string file, long bytes, long rows);

        [LoggerMessage(7601, LogLevel.Warning, "Database restored from {File}: {Rows} rows")]
        public static partial void Restored(ILogger logger, string file, long rows);
    }
}
