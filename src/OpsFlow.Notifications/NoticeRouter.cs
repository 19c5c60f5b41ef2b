using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Notifications;

/// <summary>
/// Turns run changes into deliveries: for each notice of a change (<see cref="RunNotices"/>), one delivery per
/// channel its level is routed to, stored in the outbox before anything is sent. The engine only hands it the change
/// (a queue); the reading and writing happen on this service's own loop, never on the run's path.
/// </summary>
internal sealed class NoticeRouter(
    NotificationOptions options,
    IRunStore store,
    INoticeOutbox outbox,
    DeliverySignal signal,
    TimeProvider clock,
    ILogger<NoticeRouter> logger) : BackgroundService, IRunObserver
{
    private readonly Channel<RunChanged> _changes = Channel.CreateUnbounded<RunChanged>(new UnboundedChannelOptions { SingleReader = true });

    public ValueTask OnRunChangedAsync(RunChanged change, CancellationToken cancellationToken = default)
    {
        if (Matters(change.Run.Status))
        {
            _changes.Writer.TryWrite(change);
        }

        return ValueTask.CompletedTask;
    }

    // Only these states carry notices; a running run's every step change is not worth a read.
    private static bool Matters(RunStatus status) =>
        status is RunStatus.WaitingForApproval or RunStatus.Failed or RunStatus.RollingBack or RunStatus.RolledBack or RunStatus.Succeeded or RunStatus.Cancelled;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await CatchUpAsync(stoppingToken);
        await foreach (var change in _changes.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await RouteAsync(change.Run, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                NotificationsLog.RoutingFailed(logger, ex, change.Run.Id);
            }
        }
    }

    /// <summary>
    /// After a restart: changes this process had queued but not routed are gone with it, so the runs whose notices
    /// may still be news (active: waiting for approval, failed, rolling back; or ended within the freshness window)
    /// are routed again, <see cref="RunNotices"/> leaving out what is no longer news. The outbox
    /// keeps one delivery per event and channel, so what was routed before is not sent twice.
    /// </summary>
    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        try
        {
            var now = clock.GetUtcNow();
            var active = await store.GetActiveRunsAsync(cancellationToken);
            // Runs are listed by creation time: a day back covers every run that could have ended in the window but a
            // run that took longer than a day, which the next change of the run routes anyway.
            var recent = await store.ListRunsAsync(new RunQuery { From = now - TimeSpan.FromDays(1), Take = 500 }, cancellationToken);
            // Active includes a failed run (it may be retried, so it has no end time): its failure's own time decides.
            var runs = active.Select(a => a.Run).Where(r => Matters(r.Status))
                .Concat(recent.Runs.Where(r => r.EndedAt is { } ended && now - ended <= RunNotices.Freshness))
                .DistinctBy(r => r.Id)
                .ToArray();
            foreach (var run in runs)
            {
                await RouteAsync(run, cancellationToken);
            }

            NotificationsLog.CaughtUp(logger, runs.Length);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            NotificationsLog.CatchUpFailed(logger, ex);
        }
    }

    private async Task RouteAsync(RunRecord changed, CancellationToken cancellationToken)
    {
        // The run as it is now: changes queue up, and a later one may have moved it on.
        var run = await store.GetRunAsync(changed.Id, cancellationToken) ?? changed;
        var steps = await store.GetStepsAsync(run.Id, cancellationToken);
        var now = clock.GetUtcNow();
        var deliveries = RunNotices.For(run, steps, now)
            .SelectMany(notice => options.ChannelsFor(notice.Level).Select(channel =>
                new NoticeDelivery(notice.Key, channel, run.Id, notice.Level, notice.Subject, notice.Text, now) { NextAt = now }))
            .ToArray();
        if (deliveries.Length == 0)
        {
            return;
        }

        await outbox.EnqueueAsync(deliveries, cancellationToken);
        NotificationsLog.Routed(logger, deliveries.Length, run.Id);
        signal.Wake();
    }
}

/// <summary>Wakes the channel loops when deliveries were added, so a notice does not wait for the next poll.</summary>
internal sealed class DeliverySignal
{
    private readonly List<SemaphoreSlim> _waiters = [];

    public SemaphoreSlim Subscribe()
    {
        var waiter = new SemaphoreSlim(0, 1);
        lock (_waiters)
        {
            _waiters.Add(waiter);
        }

        return waiter;
    }

    public void Wake()
    {
        lock (_waiters)
        {
            foreach (var waiter in _waiters.Where(w => w.CurrentCount == 0))
            {
                waiter.Release();
            }
        }
    }
}
