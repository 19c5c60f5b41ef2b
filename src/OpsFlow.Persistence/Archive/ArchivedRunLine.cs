namespace OpsFlow.Persistence.Archive;

/// <summary>
/// One line of an archive file: a run with everything the database held about it, as its rows (so a later version
/// reads it the way it reads the database). <see cref="Id"/> comes first, so a reader looking for one run matches the
/// start of a line instead of parsing every line.
/// </summary>
internal sealed class ArchivedRunLine
{
    public string Id { get; set; } = "";

    public RunRow Run { get; set; } = new();

    public List<StepRow> Steps { get; set; } = [];

    public List<HistoryRow> History { get; set; } = [];

    public List<StepLogRow> Logs { get; set; } = [];

    /// <summary>Copies of the audit entries that name the run; the audit log itself stays whole in the database (its hash chain).</summary>
    public List<AuditRow> Audit { get; set; } = [];
}

/// <summary>The first line of an archive file: what it is and what it holds, checked when it is verified.</summary>
internal sealed class ArchiveHeader
{
    public const string CurrentFormat = "opsflow-archive/1";

    public string Format { get; set; } = CurrentFormat;

    /// <summary>The UTC month of the runs' creation, yyyy-MM.</summary>
    public string Month { get; set; } = "";

    public int Runs { get; set; }

    public DateTimeOffset WrittenAt { get; set; }
}
