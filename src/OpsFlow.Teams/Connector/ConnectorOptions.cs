namespace OpsFlow.Teams.Connector;

/// <summary>How the connector client retries (section "OpsFlow:Teams:Connector").</summary>
public sealed class ConnectorOptions
{
    public const string Section = "OpsFlow:Teams:Connector";

    /// <summary>Attempts per call, the first included; at least 1.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The first backoff; each further retry waits twice as long, plus up to a quarter more at random.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest backoff between two attempts.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait a Retry-After may impose; a service asking for more gets this.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one attempt may take before it counts as timed out and is retried.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
