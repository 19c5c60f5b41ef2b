namespace OpsFlow.Persistence;

/// <summary>
/// The step-duration rollup (StepDurationRollup.cs): per UTC month of the run's creation, workflow, step and
/// duration bucket, the step rows that ended in it, their attempts and their total ticks. Figures are sums, so a
/// step row that changes takes its old contribution away and adds its new one.
/// </summary>
internal sealed class StepDurationRollupRow
{
    /// <summary>UTC ticks of the first instant of the month.</summary>
    public long Month { get; set; }
    public string Workflow { get; set; } = "";
    public string Step { get; set; } = "";
    public int Bucket { get; set; }
    public long Steps { get; set; }
    public long Attempts { get; set; }
    public long Ticks { get; set; }
    /// <summary>How many of <see cref="Steps"/> ran processes (their CPU time is known), and that CPU time summed.</summary>
    public long CpuSteps { get; set; }
    public long CpuMilliseconds { get; set; }
}

/// <summary>A derived table a migration asked to be rebuilt from the history at the next start (DatabaseMigrator).</summary>
internal sealed class PendingBackfillRow
{
    public string Name { get; set; } = "";
}
