using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Execution;

/// <summary>
/// Several hosts: keeps this host's leases alive while their runs are loaded, takes over runs whose host died, and
/// looks in the mailbox on a timer. It starts with the first claim (after migration) and owns those timers and the
/// time of the last renewal.
/// </summary>
internal sealed class LeaseKeeper(
    IRunOwnership ownership,
    TimeProvider clock,
    EngineOptions options,
    ILogger logger,
    ActiveRuns runs,
    RunLeases leases,
    RunMailRelay mail,
    Func<bool> stopped) : IAsyncDisposable
{
    private ITimer? _renewal;
    private ITimer? _mailPoll;
    private int _renewing;
    private DateTimeOffset _lastRenewed;

    public void Start()
    {
        if (ownership.IsShared && _renewal is null && !stopped())
        {
            var timer = clock.CreateTimer(_ => _ = TickAsync(), null, options.LeaseRenewInterval, options.LeaseRenewInterval);
            if (Interlocked.CompareExchange(ref _renewal, timer, null) is not null)
            {
                timer.Dispose();
                return;
            }

            _mailPoll = clock.CreateTimer(_ => _ = mail.ReadMailAsync(), null, options.MailboxPollInterval, options.MailboxPollInterval);
        }
    }

    private async Task TickAsync()
    {
        await RenewAsync();
        await AdoptOrphansAsync();
    }

    /// <summary>
    /// Runs whose lease expired unreleased were being driven by a host that died. Quartz re-fires their run jobs
    /// too, but a host can die between creating a run and handing its job to Quartz: whichever host claims the run
    /// first resumes it, and the others find it taken.
    /// </summary>
    private async Task AdoptOrphansAsync()
    {
        try
        {
            foreach (var runId in await ownership.ExpiredAsync(clock.GetUtcNow()))
            {
                if (stopped() || runs.Contains(runId))
                {
                    continue;
                }

                if (await runs.FindAsync(runId, CancellationToken.None) is not null)
                {
                    Log.Adopted(logger, runId);
                }
                else if (await leases.ClaimAsync(runId, CancellationToken.None))
                {
                    // The run ended (or cannot be loaded here): only the dead host's lease is left to clear.
                    await leases.ReleaseAsync(runId);
                }
            }
        }
        catch (Exception ex) when (!stopped())
        {
            Log.AdoptFailed(logger, ex);
        }
    }

    /// <summary>
    /// Renews every lease this host holds. A run whose lease was lost (this host was too slow to renew, and another
    /// took the run over) is stopped here at once; so is every run when renewing has failed for most of a lease,
    /// since by then another host may take them.
    /// </summary>
    private async Task RenewAsync()
    {
        var now = clock.GetUtcNow();
        if (runs.IsEmpty)
        {
            // Nothing loaded, nothing to renew (and before start-up the database may not be migrated yet).
            _lastRenewed = now;
            return;
        }

        if (stopped() || Interlocked.Exchange(ref _renewing, 1) == 1)
        {
            return;
        }

        try
        {
            var lost = await ownership.RenewAsync(runs.Ids, now + options.LeaseDuration);
            _lastRenewed = now;
            foreach (var runId in lost)
            {
                if (runs.TryGet(runId, out var coordinator) && !coordinator.IsEnding)
                {
                    Log.LeaseLost(logger, runId);
                    _ = coordinator.StopAsync();
                }
            }
        }
        catch (Exception ex)
        {
            Log.RenewFailed(logger, ex);
            if (_lastRenewed != default && now - _lastRenewed > options.LeaseDuration * 0.8)
            {
                foreach (var coordinator in runs.Coordinators)
                {
                    Log.LeaseLost(logger, coordinator.RunId);
                    _ = coordinator.StopAsync();
                }
            }
        }
        finally
        {
            Volatile.Write(ref _renewing, 0);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_renewal is not null)
        {
            await _renewal.DisposeAsync();
        }

        if (_mailPoll is not null)
        {
            await _mailPoll.DisposeAsync();
        }
    }
}
