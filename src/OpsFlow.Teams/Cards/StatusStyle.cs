using OpsFlow.Engine.Model;

namespace OpsFlow.Teams.Cards;

/// <summary>
/// The seed's status colours and symbols (PRODUCT §7), in Adaptive Card terms: pending blue (accent), running
/// yellow (warning), succeeded green ✓ (good), failed red ✗ (attention), skipped grey (subtle), approval orange.
/// Adaptive Cards have no orange, so a waiting approval is warning-coloured with its own symbol.
/// </summary>
public static class StatusStyle
{
    public static (string Symbol, string Color) Of(StepStatus status) => status switch
    {
        StepStatus.Pending => ("○", "accent"),
        StepStatus.Running => ("▶", "warning"),
        StepStatus.Waiting => ("⏳", "warning"),
        StepStatus.Succeeded => ("✓", "good"),
        StepStatus.Failed or StepStatus.TimedOut or StepStatus.CompensationFailed => ("✗", "attention"),
        StepStatus.Compensating => ("↶", "warning"),
        StepStatus.Compensated => ("↶", "default"),
        StepStatus.Skipped or StepStatus.Cancelled => ("–", "default"),
        _ => ("?", "default"),
    };

    public static (string Symbol, string Color) Of(RunStatus status) => status switch
    {
        RunStatus.Pending => ("○", "accent"),
        RunStatus.Running => ("▶", "warning"),
        RunStatus.WaitingForApproval => ("⏳", "warning"),
        RunStatus.Paused => ("⏸", "default"),
        RunStatus.Succeeded => ("✓", "good"),
        RunStatus.Failed => ("✗", "attention"),
        RunStatus.RollingBack => ("↶", "attention"),
        RunStatus.RolledBack => ("↶", "attention"),
        RunStatus.Cancelled => ("–", "default"),
        _ => ("?", "default"),
    };

    /// <summary>The container style that tints a card's header for a run status.</summary>
    public static string ContainerOf(RunStatus status) => status switch
    {
        RunStatus.Succeeded => "good",
        RunStatus.Failed or RunStatus.RollingBack or RunStatus.RolledBack => "attention",
        RunStatus.WaitingForApproval or RunStatus.Running => "warning",
        RunStatus.Pending => "accent",
        _ => "emphasis",
    };
}
