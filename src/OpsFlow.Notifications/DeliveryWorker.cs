using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Notifications;

/// <summary>
/// One loop per routed channel: claims its due deliveries, sends them one by one, marks each sent, or records the
/// failure and tries again later (backoff doubling from 10 s to 30 min) until <see cref="NotificationOptions.MaxAttempts"/>.
/// Channels never wait on each other: a mail server that hangs holds up mail only.
/// </summary>
internal sealed class DeliveryWorker(
    NotificationOptions options,
    INoticeOutbox outbox,
    NoticeChannels channels,
    DeliverySignal signal,
    TimeProvider clock,
    ILogger<DeliveryWorker> logger) : BackgroundService
{
    /// <summary>A claim not settled for this long was left by a host that died; another may take it.</summary>
    private static readonly TimeSpan ClaimTimeout = TimeSpan.FromMinutes(2);

    private const int Batch = 20;

    private readonly string _claimant = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():n}";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(options.Channels.Select(channel => Task.Run(() => LoopAsync(channel, stoppingToken), stoppingToken)));

    private async Task LoopAsync(string channel, CancellationToken stoppingToken)
    {
        using var wake = signal.Subscribe();
        var sender = channels.For(channel);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var now = clock.GetUtcNow();
                var due = await outbox.ClaimDueAsync(channel, _claimant, now, now - ClaimTimeout, Batch, stoppingToken);
                foreach (var delivery in due)
                {
                    await DeliverAsync(sender, delivery, stoppingToken);
                }

                if (due.Count == Batch)
                {
                    continue; // more are waiting
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                NotificationsLog.ChannelLoopFailed(logger, ex, channel);
            }

            // Woken by new deliveries, or the poll interval (on the host's clock) for retries that fell due.
            using var quiet = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            await Task.WhenAny(wake.WaitAsync(quiet.Token), Task.Delay(options.PollInterval, clock, quiet.Token));
            await quiet.CancelAsync();
        }
    }

    private async Task DeliverAsync(INoticeChannel sender, NoticeDelivery delivery, CancellationToken stoppingToken)
    {
        try
        {
            await sender.SendAsync(delivery, stoppingToken);
            await outbox.MarkSentAsync(delivery, clock.GetUtcNow(), stoppingToken);
            NotificationsLog.Delivered(logger, delivery.Channel, delivery.Level, delivery.RunId, delivery.Key);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            var attempts = delivery.Attempts + 1;
            DateTimeOffset? retryAt = attempts < options.MaxAttempts ? clock.GetUtcNow() + Backoff(attempts) : null;
            // The message only: an exception's data may carry what the channel was sent.
            var error = $"{ex.GetType().Name}: {ex.Message}";
            await outbox.MarkFailedAsync(delivery, error, retryAt, CancellationToken.None);
            if (retryAt is { } next)
            {
                NotificationsLog.DeliveryFailed(logger, delivery.Channel, delivery.RunId, attempts, error, next);
            }
            else
            {
                NotificationsLog.DeliveryGivenUp(logger, delivery.Channel, delivery.RunId, attempts, error);
            }
        }
    }

    /// <summary>10 s, 20 s, 40 s … at most 30 minutes.</summary>
    public static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(10 * Math.Pow(2, attempts - 1), TimeSpan.FromMinutes(30).TotalSeconds));
}
