using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OpsFlow.Chat;
using OpsFlow.Teams.Inbound;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Tests.Inbound;

/// <summary>The bot remembers who talked to it and where, so it can reach them in person; it writes only what changed.</summary>
public sealed class ChatPeopleTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));

    private static Turn From(string userId, string conversationId, string? conversationType, string? objectId = null) => new(
        new Activity { Type = "message", From = new ChannelAccount { Id = userId, Name = "Megan Bowen", AadObjectId = objectId } },
        new ConversationReference(conversationId, "https://smba.example.net/amer/", "msteams", "28:bot", "OpsFlow", "tenant-1", conversationType, DateTimeOffset.UnixEpoch));

    [Fact]
    public async Task RememberAsync_KeepsTheIdsTheServiceAndThe1on1Chat_AndAGroupMessageLaterForgetsNone()
    {
        var store = new CountingPeople();
        var people = new ChatPeople(store, _clock, NullLogger<ChatPeople>.Instance);

        await people.RememberAsync(From("29:megan", "a:1on1", "personal", objectId: "6f1e2d3c-0000-4000-8000-000000000001"), "megan@contoso.com", CancellationToken.None);
        await people.RememberAsync(From("29:megan", "19:group", "groupChat"), null, CancellationToken.None);
        await people.RememberAsync(From("29:megan", "19:group", "groupChat"), null, CancellationToken.None);

        var megan = await store.FindUserAsync(ChatNameKind.Upn, "megan@contoso.com");
        Assert.NotNull(megan);
        Assert.Equal(("a:1on1", "6f1e2d3c-0000-4000-8000-000000000001", "tenant-1"), (megan.PersonalConversationId, megan.ObjectId, megan.TenantId));
        Assert.True(store.Saves == 1, $"messages that tell nothing new write nothing; saved {store.Saves} times");
    }

    private sealed class CountingPeople : IPersonalChats
    {
        private readonly InMemoryPersonalChats _inner = new();

        public int Saves { get; private set; }

        public Task SaveUserAsync(ChatUser user, CancellationToken cancellationToken = default)
        {
            Saves++;
            return _inner.SaveUserAsync(user, cancellationToken);
        }

        public Task<ChatUser?> FindUserAsync(ChatNameKind kind, string name, CancellationToken cancellationToken = default) => _inner.FindUserAsync(kind, name, cancellationToken);

        public Task SaveCopyAsync(ApprovalCopy copy, CancellationToken cancellationToken = default) => _inner.SaveCopyAsync(copy, cancellationToken);

        public Task<IReadOnlyList<ApprovalCopy>> GetCopiesAsync(string runId, CancellationToken cancellationToken = default) => _inner.GetCopiesAsync(runId, cancellationToken);

        public Task<IReadOnlyList<string>> GetRunsWithOpenCopiesAsync(int take, CancellationToken cancellationToken = default) => _inner.GetRunsWithOpenCopiesAsync(take, cancellationToken);

        public Task CloseCopyAsync(string runId, string round, string userId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
            _inner.CloseCopyAsync(runId, round, userId, at, cancellationToken);
    }
}
