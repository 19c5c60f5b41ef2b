using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;

namespace OpsFlow.Teams.Cards;

/// <summary>
/// Everything the run card shows, gathered beforehand so that <see cref="RunCardBuilder"/> stays a pure function:
/// the stored run and steps, what the definition says about each step, the failed step's log tail and the
/// typical duration of the workflow.
/// </summary>
public sealed record RunCardView(RunRecord Run, IReadOnlyList<StepView> Steps, DateTimeOffset Now)
{
    /// <summary>Average duration of recent successful runs of the workflow; null when there is no history.</summary>
    public TimeSpan? TypicalDuration { get; init; }

    /// <summary>The last lines of the failed step's log (secrets are masked when stored).</summary>
    public IReadOnlyList<string> FailedStepLog { get; init; } = [];

    /// <summary>Whether the failure is new: how often it happened before and how it was cleared; null when unknown.</summary>
    public OpsFlow.Engine.Reports.FailureRecurrence? Recurrence { get; init; }

    /// <summary>The dashboard's base URL; null: no link.</summary>
    public string? DashboardUrl { get; init; }

    /// <summary>A line for the person who pressed a button (why a click was refused, say).</summary>
    public string? Notice { get; init; }

    /// <summary>
    /// This card replaces one a process may have posted before it died (its id was never saved, so that card is no
    /// longer updated): the card says so, for whoever sees both.
    /// </summary>
    public bool Replacement { get; init; }

    /// <summary>The run's look with what its steps found: a succeeded run with warnings is amber.</summary>
    public StatusLook Look => StatusVocabulary.Of(Run.Status, Steps.Select(s => s.Record));

    /// <summary>The step that made the run fail: the first failed or timed-out step that is not ignorable.</summary>
    public StepView? FailedStep => Steps
        .Where(s => s.Record.Status is StepStatus.Failed or StepStatus.TimedOut && !s.ContinueOnError)
        .OrderBy(s => s.Record.EndedAt ?? DateTimeOffset.MaxValue)
        .FirstOrDefault();
}

/// <summary>A stored step with what its definition says (kind, attempts, approval rules).</summary>
public sealed record StepView(StepRecord Record, StepKind Kind)
{
    public int MaxAttempts { get; init; } = 1;

    public bool ContinueOnError { get; init; }

    /// <summary>Set for approval steps.</summary>
    public ApprovalView? Approval { get; init; }

    public string Name => Record.Name;
}

/// <summary>An approval step's rules: the approvers in force (escalation applied), how many must agree, extensions.</summary>
public sealed record ApprovalView(IReadOnlyList<string> Approvers, int Required, int MaxExtensions, string? Message)
{
    /// <summary>How often the approvers are reminded while it waits, and how many times; 0: never (the definition is unknown).</summary>
    public TimeSpan RemindEvery { get; init; }

    public int MaxReminders { get; init; }

    /// <summary>What approving lets happen, and the hash a decision is bound to; null when the definition cannot be rebuilt.</summary>
    public OpsFlow.Engine.Execution.ApprovalPlan? Plan { get; init; }
}
