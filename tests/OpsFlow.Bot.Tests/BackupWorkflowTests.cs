using System.Net;
using OpsFlow.Persistence.Backups;
using OpsFlow.Testing;

namespace OpsFlow.Bot.Tests;

/// <summary>A host with the shipped backup workflow, encrypted backups and a second place to copy them to.</summary>
public sealed class BackupFactory : OpsFlowFactory
{
    public BackupFactory()
    {
        Directory.CreateDirectory(Path.Combine(WorkflowsPath, "lib"));
        var shipped = Path.Combine(RepositoryRoot.Folder, "workflows");
        File.Copy(Path.Combine(shipped, "backup.csx"), Path.Combine(WorkflowsPath, "backup.csx"));
        File.Copy(Path.Combine(shipped, "lib", "format.csx"), Path.Combine(WorkflowsPath, "lib", "format.csx"));
    }

    public string BackupFolder => Path.Combine(Folder, "backups");

    public string OffsiteFolder => Path.Combine(Folder, "offsite");

    protected override void AddSettings(IDictionary<string, string> settings)
    {
        settings["OpsFlow:Backup:Folder"] = BackupFolder;
        settings["OpsFlow:Backup:CopyTo"] = OffsiteFolder;
        settings["OpsFlow:Backup:EncryptionKeySecret"] = "backup-key";
        settings["OpsFlow:Secrets:backup-key"] = Convert.ToBase64String(new byte[32].Select((_, i) => (byte)(i * 7)).ToArray());
    }
}

/// <summary>workflows/backup.csx through the real host, on the host's own live database (SQLite, in WAL mode).</summary>
public sealed class BackupWorkflowTests(BackupFactory factory) : IClassFixture<BackupFactory>
{
    private readonly ApiClient _api = new(factory.CreateClient(), factory.RunChanged);

    [Fact]
    public async Task Backup_OnTheLiveDatabase_WritesAVerifiedEncryptedBackup_CopiesIt_AndKeepsTheNewest()
    {
        var files = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var (status, body) = await _api.PostAsync("/api/runs", "olivia", new { workflow = "backup", parameters = new { keep = "2" } });
            Assert.Equal(HttpStatusCode.Created, status);
            var id = body.GetProperty("run").GetProperty("id").GetString()!;
            var done = await _api.WaitForStatusAsync(id, "Succeeded");
            var outputs = done.GetProperty("steps").EnumerateArray().First(s => s.GetProperty("name").GetString() == "backup").GetProperty("outputs");
            var file = outputs.GetProperty("file").GetString()!;
            files.Add(file);

            Assert.Equal("true", outputs.GetProperty("encrypted").GetString());
            Assert.True(long.Parse(outputs.GetProperty("rows").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > 0, "the live database has rows (this run's own, at least)");
            Assert.True(BackupCipher.IsEncrypted(file), $"{file} must be encrypted");
            var manifest = await BackupManifest.ReadAsync(file, CancellationToken.None);
            Assert.True(manifest is { Kind: "sqlite", Encrypted: true }, $"a good backup has its manifest: {manifest}");
            Assert.Equal(Path.Combine(factory.OffsiteFolder, Path.GetFileName(file)), outputs.GetProperty("copy").GetString());
        }

        string[] kept = [.. files.Skip(1).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        foreach (var folder in new[] { factory.BackupFolder, factory.OffsiteFolder })
        {
            var left = Directory.GetFiles(folder).Where(f => !f.EndsWith(".json", StringComparison.Ordinal)).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
            Assert.True(left.SequenceEqual(kept), $"keep=2 leaves the two newest in {folder}: {string.Join(", ", left)}");
        }
    }
}
