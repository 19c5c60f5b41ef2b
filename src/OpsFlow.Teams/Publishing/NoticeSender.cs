using Microsoft.Extensions.Logging;
using OpsFlow.Teams.Connector;
using OpsFlow.Chat;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Publishing;

/// <summary>
/// Sending a notification once, across restarts and hosts: it is claimed in the notice log (IChatNoticeLog) before
/// it is sent and marked sent after. A notification another sender has claimed is looked at again until that sender
/// marks it sent or its claim lapses (it died before sending: then this one sends it). Its one piece of state is
/// who it is in the notice log.
/// </summary>
internal sealed class NoticeSender(IChatStore chats, IConnectorClient connector, TimeProvider clock, ILogger logger)
{
    /// <summary>An unsent claim older than this was left by a sender that died.</summary>
    private static readonly TimeSpan ClaimTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan ClaimRetry = TimeSpan.FromSeconds(5);

    private const int MaxFailures = 5;

    /// <summary>This publisher in the notice log: its own claims stay its own across retries.</summary>
    private readonly string _claimant = Guid.NewGuid().ToString("n");

    /// <summary>Sends the notice if this sender may; returns it again, with a later time, when it must be tried again.</summary>
    public async Task<PendingNotice?> SendAsync(PendingNotice notice, CancellationToken cancellationToken)
    {
        var notification = notice.Notification;
        var claimed = false;
        try
        {
            var now = clock.GetUtcNow();
            var claim = await chats.ClaimNoticeAsync(notification.Key, notice.RunId, _claimant, now, now - ClaimTimeout, cancellationToken);
            if (claim != NoticeClaim.Claimed)
            {
                PublishingLog.NoticeClaimedElsewhere(logger, notification.Kind, notice.RunId, claim);
                return claim == NoticeClaim.ClaimedElsewhere ? notice with { NotBefore = now + ClaimRetry } : null;
            }

            claimed = true;
            await connector.SendAsync(notice.Reference, Outgoing.Text(notice.Reference, notification.Text, notification.Mentions), cancellationToken);
            PublishingLog.Notified(logger, notification.Kind, notice.RunId);
            await chats.CompleteNoticeAsync(notification.Key, _claimant, clock.GetUtcNow(), cancellationToken);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var failures = notice.Failures + 1;
            var delay = RunSlot.Backoff(failures);
            PublishingLog.NotificationFailed(logger, ex, notice.RunId, notification.Key, (ex as ConnectorException)?.StatusCode, delay);
            if (failures < MaxFailures)
            {
                return notice with { NotBefore = clock.GetUtcNow() + delay, Failures = failures };
            }

            if (claimed)
            {
                await ReleaseQuietlyAsync(notification.Key);
            }

            return null;
        }
    }

    /// <summary>Gives up a claim after sending failed for good; if even that fails, the claim lapses by itself.</summary>
    private async Task ReleaseQuietlyAsync(string key)
    {
        try
        {
            // Not the caller's token: a claim left behind blocks the notification for every host until it lapses.
            await chats.ReleaseNoticeAsync(key, _claimant, CancellationToken.None);
        }
        catch (Exception ex)
        {
            PublishingLog.NoticeReleaseFailed(logger, ex, key);
        }
    }
}
