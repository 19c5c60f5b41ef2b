using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Execution;

/// <summary>
/// Several hosts on one database: a host drives a run only while it holds the run's lease (see
/// <see cref="IRunOwnership"/>). It claims the lease before it loads the run, renews it while the run is loaded, and
/// lets it go when the run goes idle or ends, so the next message (a command, a timer) may be handled by any host.
/// </summary>
public sealed partial class WorkflowEngine
{
    private readonly IRunOwnership _ownership;
    private ITimer? _renewal;
    private int _renewing;
    private DateTimeOffset _lastRenewed;

    private enum Delivery
    {
        Delivered,
        /// <summary>The run is not active (ended, unknown or not loadable here).</summary>
        NotActive,
        /// <summary>Another live host drives the run.</summary>
        HeldElsewhere,
    }

    /// <summary>True when another live host holds the run's lease: it drives the run, and this host must not.</summary>
    public async Task<bool> IsHeldElsewhereAsync(string runId, CancellationToken cancellationToken = default) =>
        _ownership.IsShared
        && await _ownership.HolderAsync(runId, _clock.GetUtcNow(), cancellationToken) is { } holder
        && holder != _ownership.HostId;

    private Task<bool> ClaimAsync(string runId, CancellationToken cancellationToken)
    {
        StartLeaseWork();
        return _ownership.TryClaimAsync(runId, _clock.GetUtcNow() + _options.LeaseDuration, cancellationToken);
    }

    /// <summary>Renewal (and the search for runs a dead host left) starts with the first claim, after migration.</summary>
    private void StartLeaseWork()
    {
        if (_ownership.IsShared && _renewal is null && !_stopped)
        {
            var timer = _clock.CreateTimer(_ => _ = LeaseTickAsync(), null, _options.LeaseRenewInterval, _options.LeaseRenewInterval);
            if (Interlocked.CompareExchange(ref _renewal, timer, null) is not null)
            {
                timer.Dispose();
                return;
            }

            _mailPoll = _clock.CreateTimer(_ => _ = ReadMailAsync(), null, _options.MailboxPollInterval, _options.MailboxPollInterval);
        }
    }

    private async Task LeaseTickAsync()
    {
        await RenewLeasesAsync();
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
            foreach (var runId in await _ownership.ExpiredAsync(_clock.GetUtcNow()))
            {
                if (_stopped || _active.ContainsKey(runId))
                {
                    continue;
                }

                if (await FindAsync(runId, CancellationToken.None) is not null)
                {
                    Log.Adopted(_logger, runId);
                }
                else if (await ClaimAsync(runId, CancellationToken.None))
                {
                    // The run ended (or cannot be loaded here): only the dead host's lease is left to clear.
                    await ReleaseAsync(runId);
                }
            }
        }
        catch (Exception ex) when (!_stopped)
        {
            Log.AdoptFailed(_logger, ex);
        }
    }

    /// <summary>Lets the run's lease go, once its coordinator has stopped taking messages.</summary>
    internal async Task ReleaseAsync(string runId)
    {
        try
        {
            await _ownership.ReleaseAsync(runId);
        }
        catch (Exception ex)
        {
            // The lease expires by itself; until then other hosts wait for it.
            Log.ReleaseFailed(_logger, ex, runId);
        }
    }

    /// <summary>
    /// Posts a message to the run's coordinator, loading the run (and claiming it) when it is not loaded. A coordinator
    /// that closed meanwhile (it went idle and let the run go) is waited for and the run loaded again.
    /// </summary>
    private async Task<Delivery> DeliverAsync(string runId, RunMessage message, CancellationToken cancellationToken)
    {
        // Finding (or loading) the run is the engine's work too: a timer that fired is not quiet until it is posted.
        _services.Activity.Enter();
        try
        {
            return await PostWhenFoundAsync(runId, message, cancellationToken);
        }
        finally
        {
            _services.Activity.Exit();
        }
    }

    private async Task<Delivery> PostWhenFoundAsync(string runId, RunMessage message, CancellationToken cancellationToken)
    {
        while (true)
        {
            var coordinator = await FindAsync(runId, cancellationToken);
            if (coordinator is null)
            {
                return _stopped || !await IsHeldElsewhereAsync(runId, cancellationToken) ? Delivery.NotActive : Delivery.HeldElsewhere;
            }

            if (coordinator.Post(message))
            {
                return Delivery.Delivered;
            }

            await coordinator.Completion.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Renews every lease this host holds. A run whose lease was lost (this host was too slow to renew, and another
    /// took the run over) is stopped here at once; so is every run when renewing has failed for most of a lease,
    /// since by then another host may take them.
    /// </summary>
    private async Task RenewLeasesAsync()
    {
        var now = _clock.GetUtcNow();
        if (_active.IsEmpty)
        {
            // Nothing loaded, nothing to renew (and before start-up the database may not be migrated yet).
            _lastRenewed = now;
            return;
        }

        if (_stopped || Interlocked.Exchange(ref _renewing, 1) == 1)
        {
            return;
        }

        try
        {
            var lost = await _ownership.RenewAsync(_active.Keys.ToArray(), now + _options.LeaseDuration);
            _lastRenewed = now;
            foreach (var runId in lost)
            {
                if (_active.TryGetValue(runId, out var coordinator) && !coordinator.IsEnding)
                {
                    Log.LeaseLost(_logger, runId);
                    _ = coordinator.StopAsync();
                }
            }
        }
        catch (Exception ex)
        {
            Log.RenewFailed(_logger, ex);
            if (_lastRenewed != default && now - _lastRenewed > _options.LeaseDuration * 0.8)
            {
                foreach (var coordinator in _active.Values)
                {
                    Log.LeaseLost(_logger, coordinator.RunId);
                    _ = coordinator.StopAsync();
                }
            }
        }
        finally
        {
            Volatile.Write(ref _renewing, 0);
        }
    }
}
