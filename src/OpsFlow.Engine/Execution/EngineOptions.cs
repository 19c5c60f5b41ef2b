namespace OpsFlow.Engine.Execution;

/// <summary>Engine settings (section "OpsFlow:Engine" of appsettings.json).</summary>
public sealed class EngineOptions
{
    /// <summary>Steps of one run executing at once, unless the workflow says otherwise. Default 4.</summary>
    public int MaxParallelStepsPerRun { get; set; } = 4;

    /// <summary>
    /// How long to wait before reloading a run whose state could not be saved. Default 2 s; doubled for each
    /// consecutive failure of the same run, up to <see cref="MaxReviveDelay"/>.
    /// </summary>
    public TimeSpan ReviveDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between two reloads of a failing run. Default 5 minutes.</summary>
    public TimeSpan MaxReviveDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// At a graceful stop (SIGTERM, Ctrl+C), how long steps already running may take to finish and be saved; no new
    /// step starts meanwhile. Steps still running then are cancelled and run again at the next start. Default 30 s.
    /// </summary>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Log lines kept per step attempt; past it the oldest are dropped with a note. Default 2,000.</summary>
    public int MaxLogLinesPerAttempt { get; set; } = 2_000;
}
