using System.Collections.Concurrent;

namespace OpsFlow.Chat;

/// <summary>People and approval copies in memory: for tests and for hosts that need no durable chat state.</summary>
public sealed class InMemoryPersonalChats : IPersonalChats
{
    private readonly ConcurrentDictionary<string, ChatUser> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<(string RunId, string Round, string UserId), ApprovalCopy> _copies = new();

    public Task SaveUserAsync(ChatUser user, CancellationToken cancellationToken = default)
    {
        _users.AddOrUpdate(user.UserId, user, (_, known) => user with
        {
            Upn = user.Upn ?? known.Upn,
            ObjectId = user.ObjectId ?? known.ObjectId,
            PersonalConversationId = user.PersonalConversationId ?? known.PersonalConversationId,
        });
        return Task.CompletedTask;
    }

    public Task<ChatUser?> FindUserAsync(ChatNameKind kind, string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(_users.Values.FirstOrDefault(u => string.Equals(kind switch
        {
            ChatNameKind.Upn => u.Upn,
            ChatNameKind.ObjectId => u.ObjectId,
            _ => u.UserId,
        }, name, StringComparison.OrdinalIgnoreCase)));

    public Task SaveCopyAsync(ApprovalCopy copy, CancellationToken cancellationToken = default)
    {
        _copies[(copy.RunId, copy.Round, copy.UserId)] = copy;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ApprovalCopy>> GetCopiesAsync(string runId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ApprovalCopy>>([.. _copies.Values.Where(c => c.RunId == runId).OrderBy(c => c.PostedAt)]);

    public Task<IReadOnlyList<string>> GetRunsWithOpenCopiesAsync(int take, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>([.. _copies.Values.Where(c => c.ClosedAt is null).Select(c => c.RunId).Distinct().Order(StringComparer.Ordinal).Take(take)]);

    public Task CloseCopyAsync(string runId, string round, string userId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        if (_copies.TryGetValue((runId, round, userId), out var copy) && copy.ClosedAt is null)
        {
            _copies.TryUpdate((runId, round, userId), copy with { ClosedAt = at }, copy);
        }

        return Task.CompletedTask;
    }
}
