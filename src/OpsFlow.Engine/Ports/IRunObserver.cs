using OpsFlow.Engine.Model;

namespace OpsFlow.Engine.Ports;

/// <summary>
/// Told about every change after it is durable: chat cards, the dashboard and notifications plug in here.
/// An observer that throws is logged and ignored: it can never break a run.
/// </summary>
public interface IRunObserver
{
    ValueTask OnRunChangedAsync(RunChanged change, CancellationToken cancellationToken = default);
}

/// <summary>A committed change: the run as it is now, the steps that changed, and what history recorded.</summary>
public sealed record RunChanged(RunRecord Run, IReadOnlyList<StepRecord> Steps, IReadOnlyList<HistoryEntry> History);
