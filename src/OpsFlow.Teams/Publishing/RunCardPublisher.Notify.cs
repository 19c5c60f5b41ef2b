using OpsFlow.Teams.Connector;
using OpsFlow.Teams.Ports;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Publishing;

/// <summary>
/// Sending a notification once, across restarts and hosts: it is claimed in the notice log (IChatNoticeLog) before
/// it is sent and marked sent after. A notification another sender has claimed is looked at again until that sender
/// marks it sent or its claim lapses (it died before sending: then this one sends it).
/// </summary>
public sealed partial class RunCardPublisher
{
    /// <summary>An unsent claim older than this was left by a sender that died.</summary>
    private static readonly TimeSpan NoticeClaimTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan NoticeClaimRetry = TimeSpan.FromSeconds(5);

    /// <summary>This publisher in the notice log: its own claims stay its own across retries.</summary>
    private readonly string _claimant = Guid.NewGuid().ToString("n");

    private async Task NotifyAsync(ConversationLane lane, PendingNotice notice, CancellationToken cancellationToken)
    {
        var notification = notice.Notification;
        var claimed = false;
        try
        {
            var now = clock.GetUtcNow();
            var claim = await chats.ClaimNoticeAsync(notification.Key, notice.RunId, _claimant, now, now - NoticeClaimTimeout, cancellationToken).ConfigureAwait(false);
            if (claim != NoticeClaim.Claimed)
            {
                PublishingLog.NoticeClaimedElsewhere(logger, notification.Kind, notice.RunId, claim);
                if (claim == NoticeClaim.ClaimedElsewhere)
                {
                    Requeue(lane, notice with { NotBefore = now + NoticeClaimRetry });
                }

                return;
            }

            claimed = true;
            await connector.SendAsync(notice.Reference, Outgoing.Text(notice.Reference, notification.Text, notification.Mentions), cancellationToken).ConfigureAwait(false);
            PublishingLog.Notified(logger, notification.Kind, notice.RunId);
            await chats.CompleteNoticeAsync(notification.Key, _claimant, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var failures = notice.Failures + 1;
            var delay = Backoff(failures);
            PublishingLog.NotificationFailed(logger, ex, notice.RunId, notification.Key, (ex as ConnectorException)?.StatusCode, delay);
            if (failures < MaxNoticeFailures)
            {
                Requeue(lane, notice with { NotBefore = clock.GetUtcNow() + delay, Failures = failures });
            }
            else if (claimed)
            {
                await ReleaseNoticeQuietlyAsync(notification.Key).ConfigureAwait(false);
            }
        }
    }

    private void Requeue(ConversationLane lane, PendingNotice notice)
    {
        lock (_gate)
        {
            lane.Notices.Add(notice);
        }
    }

    /// <summary>Gives up a claim after sending failed for good; if even that fails, the claim lapses by itself.</summary>
    private async Task ReleaseNoticeQuietlyAsync(string key)
    {
        try
        {
            await chats.ReleaseNoticeAsync(key, _claimant, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            PublishingLog.NoticeReleaseFailed(logger, ex, key);
        }
    }
}
