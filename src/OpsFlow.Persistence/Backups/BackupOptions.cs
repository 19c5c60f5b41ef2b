namespace OpsFlow.Persistence.Backups;

/// <summary>Where backups go and how they are kept (OpsFlow:Backup).</summary>
public sealed class BackupOptions
{
    public const string Section = "OpsFlow:Backup";

    /// <summary>The folder backups are written to; made absolute at start. Default data/backups.</summary>
    public string Folder { get; set; } = Path.Combine("data", "backups");

    /// <summary>A second location (another volume, a mount of another machine's disk) each verified backup is copied to; none by default.</summary>
    public string? CopyTo { get; set; }

    /// <summary>How many good backups retention keeps in each location, the newest first. Default 7; at least 1.</summary>
    public int Keep { get; set; } = 7;

    /// <summary>
    /// The name of a secret in OpsFlow:Secrets holding a 32-byte key, base64 (<c>openssl rand -base64 32</c>): backups
    /// are then encrypted (AES-256-GCM). None by default: plain files, readable by the service account only.
    /// </summary>
    public string? EncryptionKeySecret { get; set; }
}
