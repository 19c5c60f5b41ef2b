using OpsFlow.Engine.Definitions;

namespace OpsFlow.Engine.Model;

/// <summary>
/// What a status means to a person, whatever draws it. Each channel maps a tone to its own palette (Adaptive Card
/// colours, terminal colours, the dashboard's CSS), so the seed's scheme holds everywhere: pending blue, running yellow,
/// approval orange, succeeded green, failed red, everything at rest grey.
/// </summary>
public enum StatusTone
{
    Pending,
    Running,
    Approval,
    Succeeded,
    Failed,
    Neutral,
    /// <summary>Ended well, but found something someone should look at (amber).</summary>
    Warning,
}

/// <summary>A status as shown: its symbol, its tone and its words.</summary>
public sealed record StatusLook(string Symbol, StatusTone Tone, string Label);

/// <summary>
/// The one definition of how run and step statuses look, used by the run card, the command line and (served as a
/// script module, see docs/engine.md) the dashboard. Change a symbol here and every channel changes with it.
/// </summary>
public static class StatusVocabulary
{
    public static StatusLook Of(RunStatus status) => status switch
    {
        RunStatus.Pending => new("○", StatusTone.Pending, "pending"),
        RunStatus.Running => new("▶", StatusTone.Running, "running"),
        RunStatus.WaitingForApproval => new("⏳", StatusTone.Approval, "waiting for approval"),
        RunStatus.Paused => new("⏸", StatusTone.Neutral, "paused"),
        RunStatus.Failed => new("✗", StatusTone.Failed, "failed"),
        RunStatus.RollingBack => new("↶", StatusTone.Running, "rolling back"),
        RunStatus.RolledBack => new("↶", StatusTone.Failed, "rolled back"),
        RunStatus.Succeeded => new("✓", StatusTone.Succeeded, "succeeded"),
        RunStatus.Cancelled => new("⊘", StatusTone.Neutral, "cancelled"),
        _ => new("?", StatusTone.Neutral, status.ToString()),
    };

    /// <summary>How a succeeded run whose steps reported a warning or critical finding ends.</summary>
    public static readonly StatusLook SucceededWithWarnings = new("⚠", StatusTone.Warning, "succeeded with warnings");

    /// <summary>A run's look including what its steps found: succeeded with a warning or critical finding is amber.</summary>
    public static StatusLook Of(RunStatus status, IEnumerable<StepRecord> steps) =>
        status == RunStatus.Succeeded && RunFindings.NeedAttention(steps) ? SucceededWithWarnings : Of(status);

    /// <summary>
    /// A waiting step is an approval waiting for people (orange) or an attempt waiting for its retry delay (blue):
    /// <paramref name="waitsForPeople"/> tells which.
    /// </summary>
    public static StatusLook Of(StepStatus status, bool waitsForPeople = false) => status switch
    {
        StepStatus.Pending => new("○", StatusTone.Pending, "pending"),
        StepStatus.Running => new("▶", StatusTone.Running, "running"),
        StepStatus.Waiting when waitsForPeople => new("⏳", StatusTone.Approval, "waiting for approval"),
        StepStatus.Waiting => new("↻", StatusTone.Pending, "waiting to retry"),
        StepStatus.Succeeded => new("✓", StatusTone.Succeeded, "succeeded"),
        StepStatus.Failed => new("✗", StatusTone.Failed, "failed"),
        StepStatus.Skipped => new("↷", StatusTone.Neutral, "skipped"),
        StepStatus.TimedOut => new("✗", StatusTone.Failed, "timed out"),
        StepStatus.Cancelled => new("⊘", StatusTone.Neutral, "cancelled"),
        StepStatus.Compensating => new("↶", StatusTone.Running, "compensating"),
        StepStatus.Compensated => new("↶", StatusTone.Neutral, "compensated"),
        StepStatus.CompensationFailed => new("✗", StatusTone.Failed, "compensation failed"),
        _ => new("?", StatusTone.Neutral, status.ToString()),
    };
}
