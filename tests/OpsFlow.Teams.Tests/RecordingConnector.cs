using System.Collections.Concurrent;
using OpsFlow.Teams.Connector;
using OpsFlow.Chat;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Tests;

/// <summary>One connector call as a test sees it: Send, Reply or Update, where, and what.</summary>
public sealed record ConnectorCall(string Kind, string ConversationId, string? ActivityId, Activity Activity, DateTimeOffset At);

/// <summary>
/// An <see cref="IConnectorClient"/> that records every call instead of reaching a channel, and hands out
/// activity ids "activity-1", "activity-2"… for new messages. For unit tests of cards and commands; the HTTP
/// client itself is tested against a stub handler.
/// </summary>
public sealed class RecordingConnector(TimeProvider? clock = null) : IConnectorClient
{
    private readonly ConcurrentQueue<ConnectorCall> _calls = new();
    private int _next;

    public IReadOnlyList<ConnectorCall> Calls => _calls.ToArray();

    /// <summary>When set, called before each call is recorded; throw from it to simulate a failing connector.</summary>
    public Action<string>? OnCall { get; set; }

    public Task<string?> SendAsync(ConversationReference conversation, Activity activity, CancellationToken cancellationToken = default)
    {
        OnCall?.Invoke("Send");
        var id = $"activity-{Interlocked.Increment(ref _next)}";
        Record("Send", conversation, id, activity);
        return Task.FromResult<string?>(id);
    }

    public Task<string?> ReplyAsync(ConversationReference conversation, string replyToId, Activity activity, CancellationToken cancellationToken = default)
    {
        OnCall?.Invoke("Reply");
        var id = $"activity-{Interlocked.Increment(ref _next)}";
        Record("Reply", conversation, id, activity);
        return Task.FromResult<string?>(id);
    }

    public Task UpdateAsync(ConversationReference conversation, string activityId, Activity activity, CancellationToken cancellationToken = default)
    {
        OnCall?.Invoke("Update");
        Record("Update", conversation, activityId, activity);
        return Task.CompletedTask;
    }

    /// <summary>A 1:1 conversation "personal-{user id}", recorded as a "Create" call in that conversation.</summary>
    public Task<string> CreatePersonalConversationAsync(ChatUser user, CancellationToken cancellationToken = default)
    {
        OnCall?.Invoke("Create");
        var id = $"personal-{user.UserId}";
        _calls.Enqueue(new ConnectorCall("Create", id, null, new Activity { Type = "conversation" }, (clock ?? TimeProvider.System).GetUtcNow()));
        return Task.FromResult(id);
    }

    public Task<ConversationMember?> GetMemberAsync(ConversationReference conversation, string userId, CancellationToken cancellationToken = default) =>
        Task.FromResult<ConversationMember?>(new ConversationMember(userId, userId, null, null));

    private void Record(string kind, ConversationReference conversation, string? id, Activity activity) =>
        _calls.Enqueue(new ConnectorCall(kind, conversation.ConversationId, id, activity, (clock ?? TimeProvider.System).GetUtcNow()));
}
