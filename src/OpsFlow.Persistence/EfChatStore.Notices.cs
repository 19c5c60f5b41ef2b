using Microsoft.EntityFrameworkCore;
using OpsFlow.Chat;

namespace OpsFlow.Persistence;

/// <summary>
/// Notifications in chat_notices. A claim is one upsert that takes the row only when it is unsent and this
/// claimant's already or stale, so two hosts never both send one notification while both are alive.
/// </summary>
internal sealed partial class EfChatStore
{
    public Task<NoticeClaim> ClaimNoticeAsync(string key, string runId, string claimant, DateTimeOffset at, DateTimeOffset staleBefore, CancellationToken cancellationToken = default) =>
        writes.RunAsync(async (db, ct) =>
        {
            var claimedAt = Mapping.Ticks(at);
            var stale = Mapping.Ticks(staleBefore);
            var claimed = await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO "chat_notices" ("Key", "RunId", "Claimant", "ClaimedAt", "SentAt") VALUES ({key}, {runId}, {claimant}, {claimedAt}, NULL)
                ON CONFLICT ("Key") DO UPDATE SET "Claimant" = excluded."Claimant", "ClaimedAt" = excluded."ClaimedAt"
                WHERE "chat_notices"."SentAt" IS NULL AND ("chat_notices"."Claimant" = excluded."Claimant" OR "chat_notices"."ClaimedAt" < {stale})
                """,
                ct);
            if (claimed == 1)
            {
                return NoticeClaim.Claimed;
            }

            var sent = await db.ChatNotices.AsNoTracking().Where(n => n.Key == key).Select(n => n.SentAt).FirstOrDefaultAsync(ct);
            return sent is null ? NoticeClaim.ClaimedElsewhere : NoticeClaim.Sent;
        }, cancellationToken);

    public Task CompleteNoticeAsync(string key, string claimant, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var sentAt = Mapping.Ticks(at);
        return writes.RunAsync(
            (db, ct) => db.ChatNotices.Where(n => n.Key == key && n.Claimant == claimant)
                .ExecuteUpdateAsync(set => set.SetProperty(n => n.SentAt, sentAt), ct),
            cancellationToken);
    }

    public Task ReleaseNoticeAsync(string key, string claimant, CancellationToken cancellationToken = default) =>
        writes.RunAsync(
            (db, ct) => db.ChatNotices.Where(n => n.Key == key && n.Claimant == claimant && n.SentAt == null).ExecuteDeleteAsync(ct),
            cancellationToken);
}
