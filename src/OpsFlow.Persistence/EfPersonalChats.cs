using Microsoft.EntityFrameworkCore;
using OpsFlow.Chat;

namespace OpsFlow.Persistence;

/// <summary>People the bot can reach in person (chat_users) and the approval copies posted to them (approval_copies).</summary>
internal sealed class EfPersonalChats(DatabaseReads reads, WriteQueue writes) : IPersonalChats
{
    public Task SaveUserAsync(ChatUser user, CancellationToken cancellationToken = default) =>
        Conflicts.RetryAsync(() => writes.RunAsync(async (db, ct) =>
        {
            var row = await db.ChatUsers.FirstOrDefaultAsync(u => u.UserId == user.UserId, ct);
            if (row is null)
            {
                row = new ChatUserRow { UserId = user.UserId, UserIdKey = Key(user.UserId)! };
                db.ChatUsers.Add(row);
            }

            row.Name = user.Name ?? row.Name;
            row.ObjectId = Key(user.ObjectId) ?? row.ObjectId;
            row.Upn = user.Upn ?? row.Upn;
            row.UpnKey = Key(user.Upn) ?? row.UpnKey;
            row.ServiceUrl = user.ServiceUrl;
            row.ChannelId = user.ChannelId;
            row.BotId = user.BotId;
            row.BotName = user.BotName;
            row.TenantId = user.TenantId ?? row.TenantId;
            row.PersonalConversationId = user.PersonalConversationId ?? row.PersonalConversationId;
            row.UpdatedAt = Mapping.Ticks(user.UpdatedAt);
            await db.SaveChangesAsync(ct);
            return true;
        }, cancellationToken));

    public Task<ChatUser?> FindUserAsync(ChatNameKind kind, string name, CancellationToken cancellationToken = default) =>
        reads.RunAsync(async db =>
        {
            var key = Key(name);
            var users = db.ChatUsers.AsNoTracking();
            users = kind switch
            {
                ChatNameKind.Upn => users.Where(u => u.UpnKey == key),
                ChatNameKind.ObjectId => users.Where(u => u.ObjectId == key),
                _ => users.Where(u => u.UserIdKey == key),
            };
            var row = await users.OrderByDescending(u => u.UpdatedAt).FirstOrDefaultAsync(cancellationToken);
            return row is null
                ? null
                : new ChatUser(row.UserId, row.Name, row.ObjectId, row.Upn, row.ServiceUrl, row.ChannelId, row.BotId, row.BotName, row.TenantId, row.PersonalConversationId, Mapping.Time(row.UpdatedAt));
        }, cancellationToken);

    public Task SaveCopyAsync(ApprovalCopy copy, CancellationToken cancellationToken = default) =>
        Conflicts.RetryAsync(() => writes.RunAsync(async (db, ct) =>
        {
            var row = await db.ApprovalCopies.FirstOrDefaultAsync(c => c.RunId == copy.RunId && c.Round == copy.Round && c.UserId == copy.UserId, ct);
            if (row is null)
            {
                row = new ApprovalCopyRow { RunId = copy.RunId, Round = copy.Round, UserId = copy.UserId };
                db.ApprovalCopies.Add(row);
            }

            row.ConversationId = copy.ConversationId;
            row.ActivityId = copy.ActivityId;
            row.PostedAt = Mapping.Ticks(copy.PostedAt);
            row.ClosedAt = copy.ClosedAt is { } closed ? Mapping.Ticks(closed) : null;
            await db.SaveChangesAsync(ct);
            return true;
        }, cancellationToken));

    public Task<IReadOnlyList<ApprovalCopy>> GetCopiesAsync(string runId, CancellationToken cancellationToken = default) =>
        reads.RunAsync<IReadOnlyList<ApprovalCopy>>(async db =>
        {
            var rows = await db.ApprovalCopies.AsNoTracking().Where(c => c.RunId == runId).OrderBy(c => c.PostedAt).ToListAsync(cancellationToken);
            return [.. rows.Select(r => new ApprovalCopy(r.RunId, r.Round, r.UserId, r.ConversationId, r.ActivityId, Mapping.Time(r.PostedAt))
            {
                ClosedAt = r.ClosedAt is { } closed ? Mapping.Time(closed) : null,
            })];
        }, cancellationToken);

    public Task<IReadOnlyList<string>> GetRunsWithOpenCopiesAsync(int take, CancellationToken cancellationToken = default) =>
        reads.RunAsync<IReadOnlyList<string>>(async db =>
            await db.ApprovalCopies.AsNoTracking().Where(c => c.ClosedAt == null).Select(c => c.RunId).Distinct().OrderBy(r => r).Take(take).ToListAsync(cancellationToken),
            cancellationToken);

    public Task CloseCopyAsync(string runId, string round, string userId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var closed = Mapping.Ticks(at);
        return writes.RunAsync(
            (db, ct) => db.ApprovalCopies.Where(c => c.RunId == runId && c.Round == round && c.UserId == userId && c.ClosedAt == null)
                .ExecuteUpdateAsync(set => set.SetProperty(c => c.ClosedAt, closed), ct),
            cancellationToken);
    }

    private static string? Key(string? name) => string.IsNullOrWhiteSpace(name) ? null : name.Trim().ToLowerInvariant();
}
