using Microsoft.Extensions.Logging;

namespace OpsFlow.Teams;

internal static partial class Log
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Warning, Message = "Refused an inbound request with {Status}: {Reason}")]
    public static partial void Rejected(ILogger logger, int status, string reason);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Refused an unauthenticated {Type} activity from {ServiceUrl}: {Reason}")]
    public static partial void Unauthenticated(ILogger logger, string? type, string? serviceUrl, string reason);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Ignored a re-delivered {Type} activity {ActivityId}: it was handled already")]
    public static partial void Duplicate(ILogger logger, string type, string? activityId);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Acknowledged a {Type} activity ({Name}) OpsFlow does not act on")]
    public static partial void Ignored(ILogger logger, string type, string? name);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "A card action {ActivityId} took longer than {Timeout}; answered that it is still working")]
    public static partial void InvokeTimedOut(ILogger logger, string? activityId, TimeSpan timeout);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Error, Message = "A card action {ActivityId} failed")]
    public static partial void InvokeFailed(ILogger logger, Exception exception, string? activityId);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "Dropped inbound activity {Key} received at {ReceivedAt}: too old to act on after the restart")]
    public static partial void DroppedStale(ILogger logger, string key, DateTimeOffset receivedAt);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Information, Message = "Handling inbound activity {Key} accepted before the restart")]
    public static partial void Replaying(ILogger logger, string key);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Information, Message = "Pruned {Count} handled inbound activities past retention")]
    public static partial void Pruned(ILogger logger, int count);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Error, Message = "Handling a {Type} activity failed (timed out: {TimedOut})")]
    public static partial void HandlingFailed(ILogger logger, Exception exception, string? type, bool timedOut);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Warning, Message = "Could not tell the user that their message failed")]
    public static partial void ReplyFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Adopted inbound activity {Key} (received {ReceivedAt:u}): the host that accepted it did not handle it in time")]
    public static partial void Adopted(ILogger logger, string key, DateTimeOffset receivedAt);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Error, Message = "Looking for inbound activities another host left unhandled failed; trying again shortly")]
    public static partial void SweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Warning, Message = "Refused a {Type} activity from {FromId} in conversation {ConversationId}: {Reason}")]
    public static partial void NotServed(ILogger logger, string? type, string? fromId, string? conversationId, string reason);

    [LoggerMessage(EventId = 4014, Level = LogLevel.Warning, Message = "Did not call the connector for conversation {ConversationId}: {Reason}")]
    public static partial void ServiceUrlRefused(ILogger logger, string conversationId, string reason);
}
