namespace OpsFlow.Engine.Execution;

/// <summary>Engine settings (section "OpsFlow:Engine" of appsettings.json).</summary>
public sealed class EngineOptions
{
    /// <summary>Steps of one run executing at once, unless the workflow says otherwise. Default 4.</summary>
    public int MaxParallelStepsPerRun { get; set; } = 4;

    /// <summary>How long to wait before reloading a run whose state could not be saved. Default 2 s.</summary>
    public TimeSpan ReviveDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Log lines kept per step attempt; past it the oldest are dropped with a note. Default 2,000.</summary>
    public int MaxLogLinesPerAttempt { get; set; } = 2_000;
}
