namespace OpsFlow.Scheduling;

/// <summary>What the cold tier does with archives past <see cref="RetentionOptions.ColdYears"/>.</summary>
public enum ColdTier
{
    Delete,
    Keep,
}

/// <summary>OpsFlow:Retention (docs/retention.md): how long run history stays in each tier, and when the daily pass runs.</summary>
public sealed class RetentionOptions
{
    /// <summary>
    /// Days everything about a run stays in the database (the hot tier). A month's finished runs move to its archive
    /// file once the whole month is older than this. Default 30, the failure fingerprints' look-back; 0 keeps every run
    /// in the database (no archive).
    /// </summary>
    public int HotDays { get; set; } = 30;

    /// <summary>Years an archive file is kept (the warm tier) before the cold tier applies <see cref="Cold"/>. Default 3.</summary>
    public int ColdYears { get; set; } = 3;

    /// <summary>Delete (the default) or Keep the archives older than <see cref="ColdYears"/>.</summary>
    public ColdTier Cold { get; set; } = ColdTier.Delete;

    /// <summary>
    /// Days a finished run keeps its step logs in the database; 0 (the default) keeps them until the run is archived,
    /// with them. A positive value deletes them earlier, and the archive then holds none.
    /// </summary>
    public int StepLogDays { get; set; }

    /// <summary>When the daily jobs run (Quartz cron, UTC): daily at 03:30, when hosts are usually quiet.</summary>
    public string Cron { get; set; } = "0 30 3 * * ?";
}
