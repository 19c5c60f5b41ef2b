namespace OpsFlow.Persistence;

// Rows as stored. Plain classes for EF Core; the engine never sees them (Mapping.cs converts).

internal sealed class RunRow
{
    public string Id { get; set; } = "";
    public string Workflow { get; set; } = "";
    public string? WorkflowVersion { get; set; }
    public string Status { get; set; } = "";
    public string ParametersJson { get; set; } = "{}";
    public string RequestedById { get; set; } = "";
    public string RequestedByName { get; set; } = "";
    /// <summary>The requester's other names, one per line (RunRecord.RequestedByAliases).</summary>
    public string? RequestedByAliases { get; set; }
    public string Trigger { get; set; } = "";
    public string? LockKey { get; set; }
    public string? RequestId { get; set; }
    public string? ReplyTo { get; set; }
    public long CreatedAt { get; set; }
    public long? StartedAt { get; set; }
    public long? EndedAt { get; set; }
    public string? Error { get; set; }
    public long HistorySeq { get; set; }
    public long Version { get; set; }
    /// <summary>The archive file that holds the run's detail (EfHistoryTiers); null while it is all here.</summary>
    public string? ArchivedIn { get; set; }
}

internal sealed class StepRow
{
    public string RunId { get; set; } = "";
    public string Name { get; set; } = "";
    public int Position { get; set; }
    public string Status { get; set; } = "";
    public int Attempt { get; set; }
    public long? StartedAt { get; set; }
    public long? EndedAt { get; set; }
    public long? DueAt { get; set; }
    public string? Error { get; set; }
    public string? ErrorDetail { get; set; }
    public string OutputsJson { get; set; } = "{}";
    public string VotesJson { get; set; } = "[]";
    public string FindingsJson { get; set; } = "[]";
    public int Extensions { get; set; }
    public bool Escalated { get; set; }
    public long? CompletedSeq { get; set; }
    public int? ProgressPercent { get; set; }
    public string? ProgressText { get; set; }
    public long? CpuMilliseconds { get; set; }
    public long? PeakMemoryBytes { get; set; }
    /// <summary>The step's items (nodes) as JSON; null for the many steps that have none.</summary>
    public string? ItemsJson { get; set; }
}

internal sealed class HistoryRow
{
    public string RunId { get; set; } = "";
    public long Seq { get; set; }
    public long At { get; set; }
    public string Kind { get; set; } = "";
    public string Actor { get; set; } = "";
    public string? Step { get; set; }
    public string? FromStatus { get; set; }
    public string? ToStatus { get; set; }
    public string Reason { get; set; } = "";
}

internal sealed class StepLogRow
{
    public long Id { get; set; }
    public string RunId { get; set; } = "";
    public string Step { get; set; } = "";
    public int Attempt { get; set; }
    public long At { get; set; }
    public string Level { get; set; } = "";
    public string Text { get; set; } = "";
}

/// <summary>One row per held lock key: the primary key is what makes "one run per key" true.</summary>
internal sealed class LockRow
{
    public string Key { get; set; } = "";
    public string RunId { get; set; } = "";
    public long AcquiredAt { get; set; }
}

/// <summary>The code a workflow version was made from; the files as a JSON object of path → text.</summary>
internal sealed class DefinitionSourceRow
{
    public string Version { get; set; } = "";
    public string Workflow { get; set; } = "";
    public string EntryPath { get; set; } = "";
    public string FilesJson { get; set; } = "{}";
    public long SavedAt { get; set; }
}

/// <summary>A host's hold on a run it drives (several hosts on one database); see EfRunOwnership.</summary>
internal sealed class LeaseRow
{
    public string RunId { get; set; } = "";
    public string Holder { get; set; } = "";
    public long ExpiresAt { get; set; }
}

/// <summary>A command left for the host driving a run (several hosts); see EfRunOwnership.Mailbox.</summary>
internal sealed class RunLetterRow
{
    public long Id { get; set; }
    public string RunId { get; set; } = "";
    public string Payload { get; set; } = "";
    public long PostedAt { get; set; }
    public string? TakenBy { get; set; }
    public string? Answer { get; set; }
    public long? AnsweredAt { get; set; }
}
