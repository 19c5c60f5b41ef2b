using Microsoft.EntityFrameworkCore;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Persistence;

/// <summary>
/// The notice outbox in notice_deliveries. A claim is one UPDATE over the due rows of a channel (unsent, not given
/// up, due, unclaimed or claimed by a sender that went quiet), so two hosts never send the same delivery at once;
/// marking it sent or failed clears the claim.
/// </summary>
internal sealed class EfNoticeOutbox(DatabaseReads reads, WriteQueue writes) : INoticeOutbox
{
    public Task EnqueueAsync(IReadOnlyCollection<NoticeDelivery> deliveries, CancellationToken cancellationToken = default) =>
        deliveries.Count == 0 ? Task.CompletedTask : writes.RunAsync(async (db, ct) =>
        {
            foreach (var d in deliveries)
            {
                var (createdAt, nextAt, level) = (Mapping.Ticks(d.CreatedAt), Mapping.Ticks(d.NextAt), d.Level.ToString());
                await db.Database.ExecuteSqlAsync(
                    $"""
                    INSERT INTO "notice_deliveries" ("Key", "Channel", "RunId", "Level", "Subject", "Text", "CreatedAt", "NextAt", "Attempts", "SentAt", "GaveUp", "LastError", "Claimant", "ClaimedAt")
                    VALUES ({d.Key}, {d.Channel}, {d.RunId}, {level}, {d.Subject}, {d.Text}, {createdAt}, {nextAt}, 0, NULL, FALSE, NULL, NULL, NULL)
                    ON CONFLICT ("Key", "Channel") DO NOTHING
                    """,
                    ct);
            }

            return 0;
        }, cancellationToken);

    public Task<IReadOnlyList<NoticeDelivery>> ClaimDueAsync(string channel, string claimant, DateTimeOffset now, DateTimeOffset staleBefore, int take, CancellationToken cancellationToken = default) =>
        writes.RunAsync<IReadOnlyList<NoticeDelivery>>(async (db, ct) =>
        {
            var (at, stale) = (Mapping.Ticks(now), Mapping.Ticks(staleBefore));
            await db.Database.ExecuteSqlAsync(
                $"""
                UPDATE "notice_deliveries" SET "Claimant" = {claimant}, "ClaimedAt" = {at}
                WHERE "Channel" = {channel} AND ("Key", "Channel") IN (
                    SELECT "Key", "Channel" FROM "notice_deliveries"
                    WHERE "Channel" = {channel} AND "SentAt" IS NULL AND "GaveUp" = FALSE AND "NextAt" <= {at}
                      AND ("Claimant" IS NULL OR "Claimant" = {claimant} OR "ClaimedAt" < {stale})
                    ORDER BY "CreatedAt", "Key"
                    LIMIT {take})
                """,
                ct);
            var rows = await db.NoticeDeliveries.AsNoTracking()
                .Where(d => d.Channel == channel && d.Claimant == claimant && d.ClaimedAt == at && d.SentAt == null)
                .OrderBy(d => d.CreatedAt).ThenBy(d => d.Key)
                .ToListAsync(ct);
            return rows.Select(ToRecord).ToArray();
        }, cancellationToken);

    public Task MarkSentAsync(NoticeDelivery delivery, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var sentAt = Mapping.Ticks(at);
        return writes.RunAsync(
            (db, ct) => db.NoticeDeliveries.Where(d => d.Key == delivery.Key && d.Channel == delivery.Channel)
                .ExecuteUpdateAsync(set => set.SetProperty(d => d.SentAt, sentAt).SetProperty(d => d.Attempts, d => d.Attempts + 1).SetProperty(d => d.Claimant, (string?)null), ct),
            cancellationToken);
    }

    public Task MarkFailedAsync(NoticeDelivery delivery, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken = default)
    {
        var next = retryAt is { } retry ? Mapping.Ticks(retry) : Mapping.Ticks(delivery.NextAt);
        var gaveUp = retryAt is null;
        var text = error.Length <= 1_000 ? error : error[..1_000];
        return writes.RunAsync(
            (db, ct) => db.NoticeDeliveries.Where(d => d.Key == delivery.Key && d.Channel == delivery.Channel)
                .ExecuteUpdateAsync(
                    set => set.SetProperty(d => d.Attempts, d => d.Attempts + 1)
                        .SetProperty(d => d.LastError, text)
                        .SetProperty(d => d.NextAt, next)
                        .SetProperty(d => d.GaveUp, gaveUp)
                        .SetProperty(d => d.Claimant, (string?)null),
                    ct),
            cancellationToken);
    }

    public Task<IReadOnlyList<NoticeDelivery>> ListAsync(bool failedOnly, int take, CancellationToken cancellationToken = default) =>
        reads.RunAsync<IReadOnlyList<NoticeDelivery>>(async db =>
        {
            var rows = db.NoticeDeliveries.AsNoTracking();
            if (failedOnly)
            {
                rows = rows.Where(d => d.SentAt == null && d.LastError != null);
            }

            return (await rows.OrderByDescending(d => d.CreatedAt).ThenBy(d => d.Key).ThenBy(d => d.Channel).Take(take).ToListAsync(cancellationToken)).Select(ToRecord).ToArray();
        }, cancellationToken);

    private static NoticeDelivery ToRecord(NoticeDeliveryRow row) =>
        new(row.Key, row.Channel, row.RunId, Enum.Parse<NoticeLevel>(row.Level), row.Subject, row.Text, Mapping.Time(row.CreatedAt))
        {
            Attempts = row.Attempts,
            NextAt = Mapping.Time(row.NextAt),
            SentAt = Mapping.Time(row.SentAt),
            LastError = row.LastError,
            GaveUp = row.GaveUp,
        };
}
