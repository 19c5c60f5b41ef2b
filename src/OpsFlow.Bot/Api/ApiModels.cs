using OpsFlow.Engine.Model;

namespace OpsFlow.Bot.Api;

/// <summary>POST /api/runs. Parameter values are text, as a person types them; the workflow's types validate them.</summary>
public sealed record StartRunBody(string? Workflow, Dictionary<string, string?>? Parameters);

/// <summary>POST /api/runs/{id}/approvals. Decision: approve, reject or extend.</summary>
/// <summary>A decision; <paramref name="PlanHash"/> binds it to the plan the caller saw (GET /api/runs/{id}, approvalPlans), none means the current plan.</summary>
public sealed record ApprovalBody(string? Decision, string? Step, string? Reason, string? PlanHash = null);

/// <summary>The body of cancel and skip: an optional reason for the history.</summary>
public sealed record ReasonBody(string? Reason);

/// <summary>POST /api/runs/{id}/parameters: the parameters that change (name → value) and why.</summary>
public sealed record ParametersBody(Dictionary<string, string?>? Parameters, string? Reason);

/// <summary>A run with its steps and history, as GET /api/runs/{id} answers.</summary>
public sealed record RunDetails(RunRecord Run, IReadOnlyList<StepRecord> Steps, IReadOnlyList<HistoryEntry> History)
{
    /// <summary>What each waiting approval lets happen, and the hash a decision is bound to (GET /api/runs/{id} only).</summary>
    public IReadOnlyList<OpsFlow.Engine.Execution.ApprovalPlan>? ApprovalPlans { get; init; }

    /// <summary>For a failed run: whether its failure is new, how often it happened in 30 days and how it was cleared last time.</summary>
    public OpsFlow.Engine.Reports.FailureRecurrence? FailureHistory { get; init; }

    /// <summary>The run's outcome in words, findings included: "succeeded with warnings" where the status says "Succeeded".</summary>
    public string Outcome => StatusVocabulary.Of(Run.Status, Steps).Label;

    /// <summary>Every step's findings, worst first: what an inspection found, without walking the steps.</summary>
    public IReadOnlyList<StepFinding> Findings => RunFindings.Of(Steps);
}

/// <summary>A successful answer that carries the run and a message for people.</summary>
public sealed record RunAnswer(string Message, RunRecord? Run);

/// <summary>POST /api/schedules. Cron: five classic fields or Quartz's six/seven; timeZone: IANA id (default UTC).</summary>
public sealed record ScheduleBody(string? Workflow, string? Cron, string? TimeZone, Dictionary<string, string?>? Parameters, string? Conversation);

/// <summary>An audit log entry as GET /api/audit answers and the JSON lines export writes it: flat, every field the hash covers.</summary>
public sealed record AuditEntryView(
    long Seq,
    DateTimeOffset At,
    string Action,
    string Outcome,
    string ActorName,
    IReadOnlyList<string> ActorIds,
    string Via,
    string Target,
    string Detail,
    string PreviousHash,
    string Hash)
{
    public static AuditEntryView Of(OpsFlow.Engine.Ports.AuditEntry entry) => new(
        entry.Seq,
        entry.Event.At,
        entry.Event.Action,
        entry.Event.Outcome.ToString(),
        entry.Event.ActorName,
        entry.Event.ActorIds,
        entry.Event.Via,
        entry.Event.Target,
        entry.Event.Detail,
        entry.PreviousHash,
        entry.Hash);
}
