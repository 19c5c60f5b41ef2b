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

    /// <summary>
    /// Log lines kept per step attempt: the first ones. Later lines are dropped; the log says where it was cut and, when
    /// the attempt ends, how many lines were dropped (docs/engine.md, "Step logs"). Default 2,000.
    /// </summary>
    public int MaxLogLinesPerAttempt { get; set; } = 2_000;

    /// <summary>
    /// The longest log line kept, in characters; a longer one is cut and says how long it was, so one runaway line
    /// (a minified file, a base64 blob) cannot fill the database or a card. Default 8,192.
    /// </summary>
    public int MaxLogLineLength { get; set; } = 8_192;

    /// <summary>
    /// Several hosts: how long a host's hold on a run lasts without renewal. A host that dies loses its runs to
    /// another host after this long. Default 10 s.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Several hosts: how often a host renews its holds. Default 2 s (well inside <see cref="LeaseDuration"/>).</summary>
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Several hosts: how long a command (approve, cancel…) for a run that another host is driving waits for that host
    /// to take it from the mailbox and answer. A command nobody took by then is withdrawn and refused. Default 30 s.
    /// </summary>
    public TimeSpan CommandWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Several hosts: how often a host looks in the mailbox for commands other hosts received for the runs it drives
    /// (and a sender looks for the answer): the added latency of such a command. Default 500 ms.
    /// </summary>
    public TimeSpan MailboxPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}
