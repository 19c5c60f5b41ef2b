namespace OpsFlow.Persistence.Archive;

/// <summary>Where the warm tier's monthly archive files are kept (OpsFlow:Retention:ArchiveFolder; docs/retention.md).</summary>
public sealed class ArchiveOptions
{
    public const string Section = "OpsFlow:Retention";

    /// <summary>
    /// The folder of the archive files; made absolute at start. Default data/archive. Hosts that share a database must
    /// share this folder too (a mount): any of them may be asked for an archived run.
    /// </summary>
    public string ArchiveFolder { get; set; } = Path.Combine("data", "archive");
}
