namespace OpsFlow.Bot.Api;

/// <summary>The HTTP API's bounds (section "OpsFlow:Api").</summary>
public sealed class ApiOptions
{
    public const string Section = "OpsFlow:Api";

    /// <summary>
    /// Live event streams (GET /api/runs/{id}/events) this host keeps open at once; one more is answered 503 with
    /// Retry-After, and the dashboard falls back to reading the run every 2 s. Default 200.
    /// </summary>
    public int MaxEventStreams { get; set; } = 200;
}
