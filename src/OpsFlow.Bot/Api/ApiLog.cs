namespace OpsFlow.Bot.Api;

/// <summary>Log events of the HTTP API (EventIds 9100-9119).</summary>
internal static partial class ApiLog
{
    [LoggerMessage(9100, LogLevel.Warning, "Could not read run {RunId} for its live viewers; reading again in a second")]
    public static partial void SharedFeedReadFailed(ILogger logger, Exception exception, string runId);
}
