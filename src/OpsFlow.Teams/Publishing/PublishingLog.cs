using Microsoft.Extensions.Logging;
using OpsFlow.Chat;

namespace OpsFlow.Teams.Publishing;

/// <summary>Log lines of the run cards and notifications (EventIds 4200-4299).</summary>
internal static partial class PublishingLog
{
    [LoggerMessage(EventId = 4200, Level = LogLevel.Warning, Message = "Run {RunId} reports to conversation {ConversationId}, but OpsFlow has no reference to it (nobody has talked to the bot there yet); its card is not posted")]
    public static partial void NoConversation(ILogger logger, string runId, string conversationId);

    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "The step graph of run {RunId} cannot be rebuilt; its card shows the stored steps only")]
    public static partial void DefinitionUnavailable(ILogger logger, Exception exception, string runId);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Warning, Message = "Updating the card of run {RunId} failed (HTTP {Status}); trying again in {Delay}")]
    public static partial void CardFailed(ILogger logger, Exception exception, string runId, int? status, TimeSpan delay);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Warning, Message = "A notification for run {RunId} ({Key}) could not be sent (HTTP {Status}); trying again in {Delay}")]
    public static partial void NotificationFailed(ILogger logger, Exception exception, string runId, string key, int? status, TimeSpan delay);

    [LoggerMessage(EventId = 4204, Level = LogLevel.Information, Message = "Posted the card of run {RunId} into conversation {ConversationId} as activity {ActivityId}")]
    public static partial void CardPosted(ILogger logger, string runId, string conversationId, string? activityId);

    [LoggerMessage(EventId = 4205, Level = LogLevel.Warning, Message = "The durations of past {Workflow} runs could not be read; the card shows no estimate")]
    public static partial void EstimateFailed(ILogger logger, Exception exception, string workflow);

    [LoggerMessage(EventId = 4206, Level = LogLevel.Error, Message = "The card loop of conversation {ConversationId} failed; it goes on after a pause")]
    public static partial void LoopFailed(ILogger logger, Exception exception, string conversationId);

    [LoggerMessage(EventId = 4207, Level = LogLevel.Warning, Message = "The connector gave no activity id for the card of run {RunId}; the next change posts a new card")]
    public static partial void NoActivityId(ILogger logger, string runId);

    [LoggerMessage(EventId = 4208, Level = LogLevel.Information, Message = "Sent the {Kind} notification of run {RunId}")]
    public static partial void Notified(ILogger logger, string kind, string runId);

    [LoggerMessage(EventId = 4209, Level = LogLevel.Debug, Message = "The first card of run {RunId} is being posted by another host; this one updates it once it is there")]
    public static partial void CardPostedElsewhere(ILogger logger, string runId);

    [LoggerMessage(EventId = 4210, Level = LogLevel.Information, Message = "Cards after the restart: {Marked} of {Ended} recently ended runs are brought up to date")]
    public static partial void CaughtUp(ILogger logger, int marked, int ended);

    [LoggerMessage(EventId = 4212, Level = LogLevel.Warning, Message = "The first card of run {RunId} was claimed at {ClaimedAt} by a process that stopped before it saved the card's id; its card may be in the conversation, and the card posted now says it replaces it")]
    public static partial void ReplacingCard(ILogger logger, string runId, DateTimeOffset claimedAt);

    [LoggerMessage(EventId = 4213, Level = LogLevel.Warning, Message = "Could not write a card's activity id to {Path}; it is saved to the database only")]
    public static partial void CardJournalFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 4214, Level = LogLevel.Information, Message = "Saved the activity ids of {Count} cards the previous process posted but had not saved")]
    public static partial void CardIdsRecovered(ILogger logger, int count);

    [LoggerMessage(EventId = 4215, Level = LogLevel.Error, Message = "Could not save the card ids the previous process journaled; no card is written until they are saved, trying again in {Delay}")]
    public static partial void CardIdsRecoveryFailed(ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(EventId = 4211, Level = LogLevel.Warning, Message = "Could not look for cards left behind by the previous process; they catch up at their run's next change")]
    public static partial void CatchUpFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4216, Level = LogLevel.Debug, Message = "The {Kind} notification of run {RunId} is not sent here: {Claim}")]
    public static partial void NoticeClaimedElsewhere(ILogger logger, string kind, string runId, NoticeClaim claim);

    [LoggerMessage(EventId = 4217, Level = LogLevel.Warning, Message = "Could not give up the claim on notification {Key}; it lapses by itself")]
    public static partial void NoticeReleaseFailed(ILogger logger, Exception exception, string key);

    [LoggerMessage(EventId = 4218, Level = LogLevel.Warning, Message = "Could not find the conversation of run {RunId} to refresh its card; its next change brings it up to date")]
    public static partial void RefreshFailed(ILogger logger, Exception exception, string runId);

    [LoggerMessage(EventId = 4219, Level = LogLevel.Warning, Message = "Announcement not posted (the bot knows no conversation {Conversation}): {Text}")]
    public static partial void AnnouncementNotPosted(ILogger logger, string conversation, string text);

    [LoggerMessage(EventId = 4220, Level = LogLevel.Warning, Message = "Announcement to {Conversation} failed: {Text}")]
    public static partial void AnnouncementFailed(ILogger logger, Exception exception, string conversation, string text);

    [LoggerMessage(EventId = 4221, Level = LogLevel.Warning, Message = "Could not read the failure history of run {RunId}; its card says nothing of whether the failure is new")]
    public static partial void RecurrenceUnavailable(ILogger logger, Exception exception, string runId);

    [LoggerMessage(EventId = 4222, Level = LogLevel.Warning, Message = "Looking for approvals to remind failed; the next sweep tries again")]
    public static partial void ReminderSweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4230, Level = LogLevel.Information, Message = "Approval copy of run {RunId} posted to {UserId} in person (conversation {ConversationId})")]
    public static partial void ApprovalCopyPosted(ILogger logger, string runId, string userId, string conversationId);

    [LoggerMessage(EventId = 4231, Level = LogLevel.Warning, Message = "Approval copy of run {RunId} for {UserId} failed (HTTP {Status}); it is tried again at the next change of the run or the next sweep")]
    public static partial void ApprovalCopyFailed(ILogger logger, Exception exception, string runId, string userId, int? status);

    [LoggerMessage(EventId = 4232, Level = LogLevel.Information, Message = "Approval copy of run {RunId} for {UserId} shows the decision and is closed")]
    public static partial void ApprovalCopyClosed(ILogger logger, string runId, string userId);

    [LoggerMessage(EventId = 4233, Level = LogLevel.Warning, Message = "Bringing the approval copies of run {RunId} up to date failed; the next change of the run or the next sweep tries again")]
    public static partial void ApprovalCopiesFailed(ILogger logger, Exception exception, string runId);

    [LoggerMessage(EventId = 4234, Level = LogLevel.Warning, Message = "Looking for approval copies to send or close failed; the next sweep tries again")]
    public static partial void ApprovalCopiesSweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4235, Level = LogLevel.Warning, Message = "Could not remember how to reach {UserId} in person; their approval copies wait until they write again")]
    public static partial void PersonNotRemembered(ILogger logger, Exception exception, string userId);
}
