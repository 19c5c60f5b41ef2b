using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Execution;

/// <summary>
/// Several hosts on one database: a host drives a run only while it holds the run's lease (see
/// <see cref="IRunOwnership"/>). It claims the lease before it loads the run and lets it go when the run goes idle or
/// ends, so the next message (a command, a timer) may be handled by any host. <see cref="LeaseKeeper"/> renews them.
/// With one host the port says yes to everything. It keeps no state: the leases are in the database.
/// </summary>
internal sealed class RunLeases(IRunOwnership ownership, TimeProvider clock, EngineOptions options, ILogger logger, Action claiming)
{
    public bool IsShared => ownership.IsShared;

    /// <summary>True when another live host holds the run's lease: it drives the run, and this host must not.</summary>
    public async Task<bool> IsHeldElsewhereAsync(string runId, CancellationToken cancellationToken) =>
        ownership.IsShared
        && await ownership.HolderAsync(runId, clock.GetUtcNow(), cancellationToken) is { } holder
        && holder != ownership.HostId;

    public Task<bool> ClaimAsync(string runId, CancellationToken cancellationToken)
    {
        // Renewal (and the search for runs a dead host left) starts with the first claim, after migration.
        claiming();
        return ownership.TryClaimAsync(runId, clock.GetUtcNow() + options.LeaseDuration, cancellationToken);
    }

    /// <summary>Lets the run's lease go, once its coordinator has stopped taking messages.</summary>
    public async Task ReleaseAsync(string runId)
    {
        try
        {
            await ownership.ReleaseAsync(runId);
        }
        catch (Exception ex)
        {
            // The lease expires by itself; until then other hosts wait for it.
            Log.ReleaseFailed(logger, ex, runId);
        }
    }
}
