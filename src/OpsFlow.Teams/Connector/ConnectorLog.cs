using Microsoft.Extensions.Logging;

namespace OpsFlow.Teams.Connector;

/// <summary>Log events of the connector client (EventIds 4130-4159): the call, never its token or body.</summary>
internal static partial class ConnectorLog
{
    [LoggerMessage(EventId = 4130, Level = LogLevel.Warning,
        Message = "Connector {Method} for conversation {ConversationId} failed on attempt {Attempt} ({Status} {Failure}); retrying in {Delay}")]
    public static partial void Retrying(ILogger logger, string method, string conversationId, int attempt, int? status, string? failure, TimeSpan delay);

    [LoggerMessage(EventId = 4131, Level = LogLevel.Error,
        Message = "Connector {Method} for conversation {ConversationId} failed on attempt {Attempt} ({Status} {Failure}); giving up")]
    public static partial void Failed(ILogger logger, string method, string conversationId, int attempt, int? status, string? failure);
}
