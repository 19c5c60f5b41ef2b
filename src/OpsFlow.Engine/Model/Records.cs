using OpsFlow.Engine.Definitions;

namespace OpsFlow.Engine.Model;

/// <summary>A run as stored. <see cref="Version"/> guards against lost updates (optimistic concurrency).</summary>
public sealed record RunRecord
{
    public required string Id { get; init; }
    public required string Workflow { get; init; }
    /// <summary>Which version of the definition the run started with (a script's content hash, later).</summary>
    public string? WorkflowVersion { get; init; }
    public required RunStatus Status { get; init; }
    public required IReadOnlyDictionary<string, string> Parameters { get; init; }
    public required string RequestedById { get; init; }
    public required string RequestedByName { get; init; }
    /// <summary>
    /// The requester's other names (Entra object id, UPN) besides <see cref="RequestedById"/>: the four-eyes rule
    /// recognises the requester by any of them, whichever channel they decide from.
    /// </summary>
    public IReadOnlyList<string> RequestedByAliases { get; init; } = [];
    /// <summary>What started the run: "api", "chat", "schedule", "dashboard"…</summary>
    public required string Trigger { get; init; }
    public string? LockKey { get; init; }
    /// <summary>A client's idempotency key (a chat activity id, an Idempotency-Key header): one run per key.</summary>
    public string? RequestId { get; init; }
    /// <summary>
    /// Where the run's progress is announced: an address the chat channel understands (a Teams conversation id),
    /// or null. The engine only stores it.
    /// </summary>
    public string? ReplyTo { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public string? Error { get; init; }
    /// <summary>The sequence number of the last history entry written for this run.</summary>
    public long HistorySeq { get; init; }
    public long Version { get; init; }
    /// <summary>
    /// The archive file holding the run's detail (steps in full, history, logs, votes) once it left the hot tier
    /// (docs/retention.md); null while everything is in the database. Reads of an archived run come from that file.
    /// </summary>
    public string? ArchivedIn { get; init; }
}

/// <summary>One step of a run as stored.</summary>
public sealed record StepRecord
{
    public required string RunId { get; init; }
    public required string Name { get; init; }
    /// <summary>Where the step stands in the definition (declaration order), for display.</summary>
    public int Position { get; init; }
    public required StepStatus Status { get; init; }
    /// <summary>Attempts started so far (0 before the first).</summary>
    public int Attempt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    /// <summary>When the step's timer is due: the next retry attempt, or the approval deadline.</summary>
    public DateTimeOffset? DueAt { get; init; }
    public string? Error { get; init; }
    /// <summary>
    /// The failed attempt's exception: type, message and stack trace with the script's file and line, masked. For the
    /// dashboard's step panel and <c>opsflow show</c>; cards show <see cref="Error"/> only.
    /// </summary>
    public string? ErrorDetail { get; init; }
    public IReadOnlyDictionary<string, string> Outputs { get; init; } = EmptyOutputs;
    public IReadOnlyList<ApprovalVote> Votes { get; init; } = [];
    /// <summary>What the step's last finished attempt found (<see cref="StepContext.Finding"/>).</summary>
    public IReadOnlyList<Finding> Findings { get; init; } = [];
    public int Extensions { get; init; }
    public bool Escalated { get; init; }
    /// <summary>Order in which steps succeeded within the run: compensation walks it backwards.</summary>
    public long? CompletedSeq { get; init; }
    public int? ProgressPercent { get; init; }
    public string? ProgressText { get; init; }

    /// <summary>The items of a step that works over many (nodes), as it reported them; empty for most steps.</summary>
    public IReadOnlyList<StepItem> Items { get; init; } = [];

    /// <summary>CPU time of the processes the last finished attempt started (ctx.Run), in milliseconds; null when it started none.</summary>
    public long? CpuMilliseconds { get; init; }

    /// <summary>The largest resident memory of those processes, in bytes; null when it started none.</summary>
    public long? PeakMemoryBytes { get; init; }

    internal static readonly IReadOnlyDictionary<string, string> EmptyOutputs = new Dictionary<string, string>();
}

/// <summary>One approver's decision on an approval step.</summary>
public sealed record ApprovalVote(string ActorId, string ActorName, bool Approved, string? Reason, DateTimeOffset At)
{
    /// <summary>Every id of the voter (channel id, object id, UPN): a person counts once whichever channel they vote from.</summary>
    public IReadOnlyList<string> ActorIds { get; init; } = [];

    /// <summary>The hash of the plan the vote was cast on (<see cref="ApprovalPlan.Hash"/>); null before plans existed.</summary>
    public string? PlanHash { get; init; }

    /// <summary>True when the vote was cast by skipping the approval step (an eligible approver's decision).</summary>
    public bool Skipped { get; init; }

    /// <summary>True when <paramref name="actor"/> is the person who cast this vote, under any of their ids.</summary>
    public bool IsBy(Actor actor) => actor.IsAnyOf([ActorId, .. ActorIds]);
}

/// <summary>What an entry of a run's history records.</summary>
public enum HistoryKind
{
    /// <summary>The run's status changed.</summary>
    Run,
    /// <summary>A step's status changed.</summary>
    Step,
    /// <summary>Something worth recording that is not a transition: a refused action, an extension, a recovery.</summary>
    Audit,
}

/// <summary>An entry of a run's history: every transition is one, with time, actor and reason.</summary>
public sealed record HistoryEntry(
    string RunId,
    long Seq,
    DateTimeOffset At,
    HistoryKind Kind,
    string Actor,
    string? Step,
    string? From,
    string? To,
    string Reason);

/// <summary>A line a step wrote to its log.</summary>
public sealed record StepLogLine(string RunId, string Step, int Attempt, DateTimeOffset At, string Level, string Text);
