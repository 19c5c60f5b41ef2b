using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Ports;
using OpsFlow.Chat;

namespace OpsFlow.Teams.Inbound;

/// <summary>
/// Several hosts behind one load balancer: an activity is accepted (stored) by the host that received it, and handled
/// there. If that host dies first, the activity would wait for its restart; instead, another host adopts it once its
/// arrival time is <see cref="TeamsOptions.OrphanedActivityAfter"/> old. A live host keeps the arrival time of every
/// activity it holds (queued or in hand) fresh three times per that period, so only a dead host's go stale, however
/// long a backlog or a slow command takes. Adopting moves the arrival time too, so of several hosts sweeping at once
/// exactly one takes it.
/// </summary>
public sealed class OrphanedActivitySweeper(
    ActivityInbox inbox,
    IChatStore store,
    TeamsOptions options,
    TimeProvider clock,
    ILogger<OrphanedActivitySweeper> logger,
    IRunOwnership? ownership = null) : BackgroundService
{
    private static readonly TimeSpan SharedDefault = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var after = options.OrphanedActivityAfter ?? (ownership?.IsShared == true ? SharedDefault : null);
        if (after is not { } orphanedAfter || orphanedAfter <= TimeSpan.Zero)
        {
            return;
        }

        var interval = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(500).Ticks, orphanedAfter.Ticks / 3));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, clock, stoppingToken);
                await store.TouchAsync(inbox.KeysHere, clock.GetUtcNow(), stoppingToken);
                await SweepAsync(orphanedAfter, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.SweepFailed(logger, ex);
            }
        }
    }

    private async Task SweepAsync(TimeSpan orphanedAfter, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var pending = await store.GetPendingAsync(now - ActivityProcessor.ReplayWindow, cancellationToken);
        foreach (var orphan in pending.Where(p => p.ReceivedAt < now - orphanedAfter && !inbox.IsHere(p.Key)))
        {
            if (await store.TryAdoptAsync(orphan.Key, orphan.ReceivedAt, now, cancellationToken))
            {
                Log.Adopted(logger, orphan.Key, orphan.ReceivedAt);
                inbox.Requeue(orphan with { ReceivedAt = now });
            }
        }
    }
}
