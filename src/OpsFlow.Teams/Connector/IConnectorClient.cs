using OpsFlow.Chat;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Connector;

/// <summary>A member of a conversation as the connector describes it (Teams adds the UPN and the Entra object id).</summary>
public sealed record ConversationMember(string Id, string? Name, string? UserPrincipalName, string? AadObjectId);

/// <summary>
/// The Bot Connector REST API at a conversation's serviceUrl (docs/product.md §8). Implementations retry what the
/// service asks to be retried (429 and 503 with Retry-After, 412, 500, 502, 504, network errors, timeouts) and throw
/// <see cref="ConnectorException"/> at once for any other 4xx, or when the attempts are used up.
/// </summary>
public interface IConnectorClient
{
    /// <summary>POST v3/conversations/{id}/activities: a new message; returns its activity id (null when the channel gives none).</summary>
    Task<string?> SendAsync(ConversationReference conversation, Activity activity, CancellationToken cancellationToken = default);

    /// <summary>POST v3/conversations/{id}/activities/{replyToId}: a reply in the thread of <paramref name="replyToId"/>.</summary>
    Task<string?> ReplyAsync(ConversationReference conversation, string replyToId, Activity activity, CancellationToken cancellationToken = default);

    /// <summary>PUT v3/conversations/{id}/activities/{activityId}: replaces a message (a card) in place.</summary>
    Task UpdateAsync(ConversationReference conversation, string activityId, Activity activity, CancellationToken cancellationToken = default);

    /// <summary>
    /// POST v3/conversations: the bot's 1:1 conversation with <paramref name="user"/> (Teams answers with the same one
    /// each time, so asking again is harmless); returns its id.
    /// </summary>
    Task<string> CreatePersonalConversationAsync(ChatUser user, CancellationToken cancellationToken = default);

    /// <summary>GET v3/conversations/{id}/members/{userId}; null when the user is not a member.</summary>
    Task<ConversationMember?> GetMemberAsync(ConversationReference conversation, string userId, CancellationToken cancellationToken = default);
}

/// <summary>The connector refused or kept failing; <see cref="StatusCode"/> is the last HTTP status (null: no answer).</summary>
public sealed class ConnectorException(string message, int? statusCode, Exception? inner = null) : Exception(message, inner)
{
    public int? StatusCode { get; } = statusCode;
}
