using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Execution;

namespace OpsFlow.Teams.Commands;

/// <summary>Log lines of the chat commands and card buttons (EventIds 4300–4399).</summary>
internal static partial class CommandLog
{
    [LoggerMessage(EventId = 4300, Level = LogLevel.Information, Message = "Chat command {Command} from {Actor} in a {ConversationType} conversation")]
    public static partial void Received(ILogger logger, string command, string actor, string? conversationType);

    [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message = "Unknown chat command {Command} from {Actor}; answered with the help card")]
    public static partial void Unknown(ILogger logger, string command, string actor);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Warning, Message = "Refused a {Verb} click by {Actor} on a stale card of run {RunId}, step {Step}, round {Round}: {Reason}")]
    public static partial void StaleCardAction(ILogger logger, string actor, string verb, string runId, string step, string? round, string reason);

    [LoggerMessage(EventId = 4303, Level = LogLevel.Information, Message = "Card button {Verb} by {Actor} on run {RunId}, step {Step}: {Outcome}")]
    public static partial void CardActionDecided(ILogger logger, string actor, string verb, string runId, string step, CommandOutcome outcome);

    [LoggerMessage(EventId = 4304, Level = LogLevel.Warning, Message = "Could not look up the conversation member {UserId} for their UPN; going on with their ids only")]
    public static partial void MemberLookupFailed(ILogger logger, Exception exception, string userId);

    [LoggerMessage(EventId = 4305, Level = LogLevel.Information, Message = "Ignored message {ActivityId}: a card submission with no text, not an OpsFlow command")]
    public static partial void IgnoredSubmit(ILogger logger, string? activityId);

    [LoggerMessage(EventId = 4306, Level = LogLevel.Warning, Message = "Refused command {Command} from {UserId} in {ConversationId}: over the rate of commands a minute")]
    public static partial void RateLimited(ILogger logger, string command, string? userId, string conversationId);

    [LoggerMessage(EventId = 4307, Level = LogLevel.Error, Message = "Could not write a stale card click on run {RunId} to the audit log")]
    public static partial void AuditFailed(ILogger logger, Exception exception, string runId);

    [LoggerMessage(EventId = 4308, Level = LogLevel.Information, Message = "Card button {Verb} by {Actor} on run {RunId}: {Outcome}")]
    public static partial void CardControlPressed(ILogger logger, string actor, string verb, string runId, string outcome);
}
