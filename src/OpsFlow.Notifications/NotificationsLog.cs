using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Notifications;

internal static partial class NotificationsLog
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "{Count} notice deliveries queued for run {RunId}")]
    public static partial void Routed(ILogger logger, int count, string runId);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Could not route the notices of run {RunId}; its next change tries again")]
    public static partial void RoutingFailed(ILogger logger, Exception exception, string runId);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Delivered a {Level} notice of run {RunId} to {Channel} ({Key})")]
    public static partial void Delivered(ILogger logger, string channel, NoticeLevel level, string runId, string key);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "Delivering a notice of run {RunId} to {Channel} failed (attempt {Attempts}): {Error}; trying again at {RetryAt}")]
    public static partial void DeliveryFailed(ILogger logger, string channel, string runId, int attempts, string error, DateTimeOffset retryAt);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Error, Message = "Gave up delivering a notice of run {RunId} to {Channel} after {Attempts} attempts: {Error}; GET /api/notifications?failed=true lists it")]
    public static partial void DeliveryGivenUp(ILogger logger, string channel, string runId, int attempts, string error);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Warning, Message = "The delivery loop of {Channel} failed; it tries again at its next poll")]
    public static partial void ChannelLoopFailed(ILogger logger, Exception exception, string channel);

    [LoggerMessage(EventId = 6007, Level = LogLevel.Information, Message = "Routed the notices of {Count} recent or waiting runs again after the start (deliveries already made are not repeated)")]
    public static partial void CaughtUp(ILogger logger, int count);

    [LoggerMessage(EventId = 6008, Level = LogLevel.Warning, Message = "Could not route the notices of recent runs after the start; their next change routes them")]
    public static partial void CatchUpFailed(ILogger logger, Exception exception);
}
