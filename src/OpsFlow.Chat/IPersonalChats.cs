namespace OpsFlow.Chat;

/// <summary>
/// A person the bot has heard from, and how to reach them in person (a proactive 1:1 chat): their channel id, the
/// names the channel vouched for (Entra object id; the UPN once the connector reported it), the service and tenant
/// they were seen in, and their 1:1 conversation with the bot once one exists.
/// </summary>
public sealed record ChatUser(
    string UserId,
    string? Name,
    string? ObjectId,
    string? Upn,
    string ServiceUrl,
    string ChannelId,
    string BotId,
    string? BotName,
    string? TenantId,
    string? PersonalConversationId,
    DateTimeOffset UpdatedAt)
{
    /// <summary>Where the bot posts to this person: their 1:1 conversation (which must exist).</summary>
    public ConversationReference Personal() => new(
        PersonalConversationId ?? throw new InvalidOperationException($"The bot has no 1:1 conversation with {UserId} yet."),
        ServiceUrl, ChannelId, BotId, BotName, TenantId, "personal", UpdatedAt);
}

/// <summary>Which identity of a person a configured name is.</summary>
public enum ChatNameKind
{
    UserId,
    Upn,
    ObjectId,
}

/// <summary>
/// An approver's own copy of a run's card, posted in their 1:1 chat for one round of an approval step
/// (<paramref name="Round"/>: the step and when its wait began). Closed once that round is decided and the copy was
/// rewritten to say so.
/// </summary>
public sealed record ApprovalCopy(string RunId, string Round, string UserId, string ConversationId, string ActivityId, DateTimeOffset PostedAt)
{
    public DateTimeOffset? ClosedAt { get; init; }
}

/// <summary>
/// Approvers in person (docs/teams.md): the people the bot can reach in a 1:1 chat, and the approval copies it posted
/// there, so that each copy is posted once and rewritten when its approval is decided, across restarts and hosts.
/// </summary>
public interface IPersonalChats
{
    /// <summary>
    /// Creates or updates a person. A null <see cref="ChatUser.Upn"/>, <see cref="ChatUser.ObjectId"/> or
    /// <see cref="ChatUser.PersonalConversationId"/> keeps what is stored: an activity that does not carry them does not
    /// forget them.
    /// </summary>
    Task SaveUserAsync(ChatUser user, CancellationToken cancellationToken = default);

    /// <summary>
    /// The person a configured name stands for, matched only against the identity of its kind (the caller tells the
    /// kind, as <c>IdentityNames</c> does for roles), ignoring case. Null when the bot has not heard from them.
    /// </summary>
    Task<ChatUser?> FindUserAsync(ChatNameKind kind, string name, CancellationToken cancellationToken = default);

    /// <summary>Records a copy posted (the same run, round and user again replaces it).</summary>
    Task SaveCopyAsync(ApprovalCopy copy, CancellationToken cancellationToken = default);

    /// <summary>Every copy of a run's approvals, open and closed.</summary>
    Task<IReadOnlyList<ApprovalCopy>> GetCopiesAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>The runs that have copies not yet closed (a sweep closes those whose approval was decided elsewhere).</summary>
    Task<IReadOnlyList<string>> GetRunsWithOpenCopiesAsync(int take, CancellationToken cancellationToken = default);

    Task CloseCopyAsync(string runId, string round, string userId, DateTimeOffset at, CancellationToken cancellationToken = default);
}
