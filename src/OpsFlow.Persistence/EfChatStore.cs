using Microsoft.EntityFrameworkCore;
using OpsFlow.Chat;

namespace OpsFlow.Persistence;

/// <summary>The chat channel's durable state in the chat_* tables; writes go through the single writer.</summary>
internal sealed partial class EfChatStore(DatabaseReads reads, WriteQueue writes, DatabaseProvider provider) : IChatStore
{
    public Task SaveConversationAsync(ConversationReference reference, CancellationToken cancellationToken = default) =>
        Conflicts.RetryAsync(() => writes.RunAsync(async (db, ct) =>
        {
            var row = await db.ChatConversations.FirstOrDefaultAsync(c => c.ConversationId == reference.ConversationId, ct);
            if (row is null)
            {
                row = new ChatConversationRow { ConversationId = reference.ConversationId };
                db.ChatConversations.Add(row);
            }

            row.ServiceUrl = reference.ServiceUrl;
            row.ChannelId = reference.ChannelId;
            row.BotId = reference.BotId;
            row.BotName = reference.BotName;
            row.TenantId = reference.TenantId;
            row.ConversationType = reference.ConversationType;
            row.UpdatedAt = Mapping.Ticks(reference.UpdatedAt);
            await db.SaveChangesAsync(ct);
            return true;
        }, cancellationToken));

    public Task<ConversationReference?> GetConversationAsync(string conversationId, CancellationToken cancellationToken = default) =>
        reads.RunAsync(async db =>
        {
            var row = await db.ChatConversations.AsNoTracking().FirstOrDefaultAsync(c => c.ConversationId == conversationId, cancellationToken);
            return row is null
                ? null
                : new ConversationReference(row.ConversationId, row.ServiceUrl, row.ChannelId, row.BotId, row.BotName, row.TenantId, row.ConversationType, Mapping.Time(row.UpdatedAt));
        }, cancellationToken);

    /// <summary>
    /// An insert that does nothing on a duplicate key: the key is the proof the activity was seen, even when two
    /// deliveries of it race (or two hosts share the database).
    /// </summary>
    /// <remarks>
    /// Two hosts group-commit their writes, so their transactions can insert inbox keys in opposite orders and
    /// PostgreSQL picks one as a deadlock's victim (seen in the two-host test: a 500 to Teams). The victim did nothing;
    /// the insert is idempotent, so it is simply tried again.
    /// </remarks>
    public Task<bool> TryAcceptAsync(InboundActivity activity, CancellationToken cancellationToken = default) =>
        Conflicts.RetryAsync(() => writes.RunAsync(async (db, ct) =>
        {
            var received = Mapping.Ticks(activity.ReceivedAt);
            var inserted = await db.Database.ExecuteSqlInterpolatedAsync(
                $"INSERT INTO \"chat_inbox\" (\"Key\", \"Json\", \"ReceivedAt\") VALUES ({activity.Key}, {activity.Json}, {received}) ON CONFLICT DO NOTHING", ct);
            return inserted == 1;
        }, cancellationToken));

    public Task<bool> TryAdoptAsync(string key, DateTimeOffset seenReceivedAt, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Conflicts.RetryAsync(() => writes.RunAsync(async (db, ct) =>
        {
            var seen = Mapping.Ticks(seenReceivedAt);
            var moved = Mapping.Ticks(now);
            return await db.ChatInbox.Where(i => i.Key == key && i.DoneAt == null && i.ReceivedAt == seen)
                .ExecuteUpdateAsync(set => set.SetProperty(i => i.ReceivedAt, moved), ct) == 1;
        }, cancellationToken));

    public Task TouchAsync(IReadOnlyCollection<string> keys, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (keys.Count == 0)
        {
            return Task.CompletedTask;
        }

        var moved = Mapping.Ticks(now);
        return writes.RunAsync(
            (db, ct) => db.ChatInbox.Where(i => keys.Contains(i.Key) && i.DoneAt == null).ExecuteUpdateAsync(set => set.SetProperty(i => i.ReceivedAt, moved), ct),
            cancellationToken);
    }

    public Task CompleteAsync(string key, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        Conflicts.RetryAsync(() => writes.RunAsync(async (db, ct) =>
        {
            var done = Mapping.Ticks(at);
            return await db.ChatInbox.Where(i => i.Key == key).ExecuteUpdateAsync(set => set.SetProperty(i => i.DoneAt, done), ct);
        }, cancellationToken));

    public Task<IReadOnlyList<InboundActivity>> GetPendingAsync(DateTimeOffset since, CancellationToken cancellationToken = default) =>
        reads.RunAsync<IReadOnlyList<InboundActivity>>(async db =>
        {
            var from = Mapping.Ticks(since);
            var rows = await db.ChatInbox.AsNoTracking()
                .Where(i => i.DoneAt == null && i.ReceivedAt >= from)
                .OrderBy(i => i.ReceivedAt)
                .ToListAsync(cancellationToken);
            return rows.Select(r => new InboundActivity(r.Key, r.Json, Mapping.Time(r.ReceivedAt))).ToArray();
        }, cancellationToken);

    public Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        writes.RunAsync(async (db, ct) =>
        {
            var cutoff = Mapping.Ticks(before);
            await db.ChatNotices.Where(n => n.ClaimedAt < cutoff).ExecuteDeleteAsync(ct);
            return await db.ChatInbox.Where(i => i.DoneAt != null && i.ReceivedAt < cutoff).ExecuteDeleteAsync(ct);
        }, cancellationToken);

    public Task<RunCard?> GetRunCardAsync(string runId, CancellationToken cancellationToken = default) =>
        reads.RunAsync(async db =>
        {
            var row = await db.ChatRunCards.AsNoTracking().FirstOrDefaultAsync(c => c.RunId == runId, cancellationToken);
            return row is null ? null : new RunCard(row.RunId, row.ConversationId, row.ActivityId, Mapping.Time(row.PostedAt));
        }, cancellationToken);

    /// <summary>
    /// Not through the write queue: by now the card is in the conversation, and until its id is durable a crash leaves
    /// a card no later process knows of (it would post another). One statement on a connection of its own commits it
    /// without waiting behind the run writes queued before it.
    /// </summary>
    public Task SaveRunCardAsync(RunCard card, CancellationToken cancellationToken = default) =>
        reads.RunAsync(async db =>
        {
            var posted = Mapping.Ticks(card.PostedAt);
            await provider.PrepareLoneCommitAsync(db, cancellationToken);
            await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO "chat_run_cards" ("RunId", "ConversationId", "ActivityId", "PostedAt") VALUES ({card.RunId}, {card.ConversationId}, {card.ActivityId}, {posted})
                ON CONFLICT ("RunId") DO UPDATE SET "ConversationId" = excluded."ConversationId", "ActivityId" = excluded."ActivityId", "PostedAt" = excluded."PostedAt"
                """,
                cancellationToken);
        }, cancellationToken);

    public Task<bool> TryClaimRunCardAsync(string runId, string conversationId, DateTimeOffset at, DateTimeOffset staleBefore, CancellationToken cancellationToken = default) =>
        writes.RunAsync(async (db, ct) =>
        {
            var posted = Mapping.Ticks(at);
            var stale = Mapping.Ticks(staleBefore);
            var claimed = await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO "chat_run_cards" ("RunId", "ConversationId", "ActivityId", "PostedAt") VALUES ({runId}, {conversationId}, NULL, {posted})
                ON CONFLICT ("RunId") DO UPDATE SET "PostedAt" = excluded."PostedAt"
                WHERE "chat_run_cards"."ActivityId" IS NULL AND "chat_run_cards"."PostedAt" < {stale}
                """,
                ct);
            return claimed == 1;
        }, cancellationToken);
}
