using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Execution;

/// <summary>How a message for a run got on.</summary>
internal enum Delivery
{
    Delivered,
    /// <summary>The run is not active (ended, unknown or not loadable here).</summary>
    NotActive,
    /// <summary>Another live host drives the run.</summary>
    HeldElsewhere,
}

/// <summary>
/// The runs this host drives, one <see cref="RunCoordinator"/> each: it loads a run (claiming its lease first), finds
/// it for a message, and lets it go when its coordinator ends. Loading goes through one gate, so a run never gets two
/// coordinators. It owns the table of coordinators.
/// </summary>
internal sealed class ActiveRuns(IRunStore store, IWorkflowCatalog catalog, EngineServices services, RunLeases leases, ILogger logger, Func<bool> stopped) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, RunCoordinator> _active = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _loading = new(1, 1);

    public int Count => _active.Count;

    public bool IsEmpty => _active.IsEmpty;

    public RunCoordinator[] Coordinators => _active.Values.ToArray();

    public string[] Ids => _active.Keys.ToArray();

    public bool Contains(string runId) => _active.ContainsKey(runId);

    public bool TryGet(string runId, out RunCoordinator coordinator) => _active.TryGetValue(runId, out coordinator!);

    public void Detach(RunCoordinator coordinator) =>
        _active.TryRemove(new KeyValuePair<string, RunCoordinator>(coordinator.RunId, coordinator));

    private void Attach(RunCoordinator coordinator, bool recovering)
    {
        _active[coordinator.RunId] = coordinator;
        coordinator.Start(recovering);
    }

    /// <summary>
    /// Attaches a just-created run under the loading gate, so a command or timer that raced ahead and loaded the
    /// run from the store already cannot leave two coordinators driving it.
    /// </summary>
    public async Task AttachNewAsync(RunCoordinator coordinator, CancellationToken cancellationToken)
    {
        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (!_active.ContainsKey(coordinator.RunId))
            {
                Attach(coordinator, recovering: false);
            }
            else
            {
                coordinator.Dispose();
            }
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>Resumes every active run from the database that no live host holds; returns how many.</summary>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken)
    {
        var snapshots = await store.GetActiveRunsAsync(cancellationToken);
        var resumed = 0;
        await _loading.WaitAsync(cancellationToken);
        try
        {
            foreach (var found in snapshots.Where(s => !_active.ContainsKey(s.Run.Id)))
            {
                // Several hosts: only a run no live host holds is resumed here, read again once it is ours.
                if (!await leases.ClaimAsync(found.Run.Id, cancellationToken))
                {
                    continue;
                }

                var snapshot = found;
                if (leases.IsShared && await store.GetRunAsync(found.Run.Id, cancellationToken) is { } fresh)
                {
                    snapshot = new RunSnapshot(fresh, await store.GetStepsAsync(fresh.Id, cancellationToken));
                }

                resumed += await ResumeAsync(snapshot, cancellationToken) is null ? 0 : 1;
            }
        }
        finally
        {
            _loading.Release();
        }

        return resumed;
    }

    /// <summary>
    /// The run's coordinator; loads a non-terminal run that has none (after a failed save, say, or when it went idle
    /// on a host that shares the database) if this host can claim it. Null when it ended or another host drives it.
    /// </summary>
    public async Task<RunCoordinator?> FindAsync(string runId, CancellationToken cancellationToken)
    {
        if (_active.TryGetValue(runId, out var coordinator) || stopped())
        {
            return coordinator;
        }

        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (_active.TryGetValue(runId, out coordinator))
            {
                return coordinator;
            }

            var run = await store.GetRunAsync(runId, cancellationToken);
            if (run is null || StateMachine.IsTerminal(run.Status) || !await leases.ClaimAsync(runId, cancellationToken))
            {
                return null;
            }

            // Read again once the run is ours: another host may have changed it up to the moment it let it go.
            run = leases.IsShared ? await store.GetRunAsync(runId, cancellationToken) : run;
            if (run is null || StateMachine.IsTerminal(run.Status))
            {
                await leases.ReleaseAsync(runId);
                return null;
            }

            var steps = await store.GetStepsAsync(runId, cancellationToken);
            return await ResumeAsync(new RunSnapshot(run, steps), cancellationToken);
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>Loads a run this host has claimed; lets the claim go when the run cannot be loaded or has ended.</summary>
    private async Task<RunCoordinator?> ResumeAsync(RunSnapshot snapshot, CancellationToken cancellationToken)
    {
        var run = snapshot.Run;
        if (StateMachine.IsTerminal(run.Status))
        {
            await leases.ReleaseAsync(run.Id);
            return null;
        }

        WorkflowDefinition definition;
        try
        {
            definition = await catalog.MaterializeAsync(run.Workflow, run.WorkflowVersion, new ParameterValues(run.Parameters), cancellationToken);
        }
        catch (Exception ex) when (ex is WorkflowDefinitionException or KeyNotFoundException or InvalidOperationException)
        {
            // The run stays as it is in the database and is tried again at the next start.
            Log.CannotResume(logger, run.Id, ex.Message);
            await leases.ReleaseAsync(run.Id);
            return null;
        }

        var missing = snapshot.Steps.Select(s => s.Name).Where(n => definition.Find(n) is null).ToArray();
        if (missing.Length > 0)
        {
            Log.CannotResume(logger, run.Id, $"its definition no longer declares step(s) {string.Join(", ", missing)}");
            await leases.ReleaseAsync(run.Id);
            return null;
        }

        // A run holds its lock from Running until it ends or fails; a queued (Pending) run asks for it.
        var holdsLock = run.Status is not (RunStatus.Pending or RunStatus.Failed);
        var coordinator = new RunCoordinator(services, definition, snapshot, holdsLock);
        Attach(coordinator, recovering: true);
        return coordinator;
    }

    /// <summary>
    /// Posts a message to the run's coordinator, loading the run (and claiming it) when it is not loaded. A coordinator
    /// that closed meanwhile (it went idle and let the run go) is waited for and the run loaded again.
    /// </summary>
    public async Task<Delivery> DeliverAsync(string runId, RunMessage message, CancellationToken cancellationToken)
    {
        // Finding (or loading) the run is the engine's work too: a timer that fired is not quiet until it is posted.
        services.Activity.Enter();
        try
        {
            while (true)
            {
                var coordinator = await FindAsync(runId, cancellationToken);
                if (coordinator is null)
                {
                    return stopped() || !await leases.IsHeldElsewhereAsync(runId, cancellationToken) ? Delivery.NotActive : Delivery.HeldElsewhere;
                }

                if (coordinator.Post(message))
                {
                    return Delivery.Delivered;
                }

                await coordinator.Completion.WaitAsync(cancellationToken);
            }
        }
        finally
        {
            services.Activity.Exit();
        }
    }

    /// <summary>Why a command reached no run: it does not exist, it ended, or it cannot be loaded here.</summary>
    public async Task<CommandResult> NotDeliveredAsync(string runId, RunCommand? command, CancellationToken cancellationToken)
    {
        var run = await store.GetRunAsync(runId, cancellationToken);
        return run switch
        {
            null => CommandResult.NotFound(runId),
            _ when StateMachine.IsTerminal(run.Status) => CommandResult.Ended(run),
            _ when command is RunCommand.Cancel cancel && !stopped() => await new ForceEnd(services).CancelAsync(run, cancel, cancellationToken),
            _ => CommandResult.Refused(
                $"Run {runId} cannot be resumed on this host: its workflow '{run.Workflow}' could not be loaded (see the log). Nothing was done. "
                + "An admin can still end it with cancel, which frees its lock.",
                run),
        };
    }

    /// <summary>Stops every coordinator; their runs stay as the database has them, for the next start.</summary>
    public async ValueTask DisposeAsync()
    {
        var coordinators = _active.Values.ToArray();
        await Task.WhenAll(coordinators.Select(c => c.StopAsync()));
        foreach (var coordinator in coordinators)
        {
            coordinator.Dispose();
        }

        _loading.Dispose();
    }
}
