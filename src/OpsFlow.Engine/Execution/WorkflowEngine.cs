using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.InProcess;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Engine.Telemetry;

namespace OpsFlow.Engine.Execution;

/// <summary>
/// The engine's front door: starts runs, routes commands and timers to the run they concern, and resumes
/// every active run after a restart. Each active run has one <see cref="RunCoordinator"/>.
/// </summary>
public sealed class WorkflowEngine : IWorkflowTimerHandler, IAsyncDisposable
{
    private readonly IRunStore _store;
    private readonly IWorkflowCatalog _catalog;
    private readonly TimeProvider _clock;
    private readonly EngineOptions _options;
    private readonly ILogger _logger;
    private readonly EngineServices _services;
    private readonly RunLeases _leases;
    private readonly ActiveRuns _runs;
    private readonly RunMailRelay _mail;
    private readonly RunRevival _revival;
    private readonly LeaseKeeper _keeper;
    private readonly AuditRecorder _audit;
    private readonly EmergencyStop _stop;
    private volatile bool _stopped;
    private int _disposed;

    public WorkflowEngine(
        IRunStore store,
        IWorkflowCatalog catalog,
        IWorkflowTimers timers,
        IEnumerable<IRunObserver> observers,
        TimeProvider clock,
        EngineOptions options,
        ILogger<WorkflowEngine> logger,
        ISecretSource? secrets = null,
        IRunDispatcher? dispatcher = null,
        EngineTelemetry? telemetry = null,
        IRunOwnership? ownership = null,
        IAuditLog? audit = null,
        EmergencyStop? emergencyStop = null)
    {
        _stop = emergencyStop ?? new EmergencyStop(new InProcess.InMemoryEmergencyStopStore());
        _store = store;
        _catalog = catalog;
        _clock = clock;
        _options = options;
        _logger = logger;
        var owners = ownership ?? SingleHostOwnership.Instance;
        // Lease renewal starts with the first claim, which comes after construction.
        _leases = new RunLeases(owners, clock, options, logger, () => _keeper!.Start());
        _services = new EngineServices(store, timers, observers.ToArray(), clock, options, logger, this, secrets ?? NoSecrets.Instance, dispatcher ?? NoRunDispatcher.Instance,
            telemetry ?? new EngineTelemetry(clock), owners, _stop, catalog);
        _runs = new ActiveRuns(store, catalog, _services, _leases, logger, () => _stopped);
        _mail = new RunMailRelay(owners, store, clock, options, logger, _services.Telemetry, _runs, _leases, () => _stopped);
        _revival = new RunRevival(store, clock, options, logger, _services.Activity, _runs, () => _stopped);
        _audit = new AuditRecorder(audit ?? new InMemoryAuditLog(), clock, logger);
        _keeper = new LeaseKeeper(owners, clock, options, logger, _runs, _leases, _mail, () => _stopped);
    }

    /// <summary>Runs this engine is driving now.</summary>
    public int ActiveRunCount => _runs.Count;

    public async Task<StartRunResult> StartAsync(StartRunRequest request, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_stopped, this);
        var result = await StartUnrecordedAsync(request, cancellationToken);
        await _audit.StartedAsync(request, result, cancellationToken);
        return result;
    }

    private async Task<StartRunResult> StartUnrecordedAsync(StartRunRequest request, CancellationToken cancellationToken)
    {
        // Whatever asked for the run (a chat activity, an API request) is linked from the run's trace.
        var origin = Activity.Current;
        if (!request.RequestedBy.HasRole(RolePolicy.StartRole))
        {
            Log.StartRefused(_logger, request.Workflow, request.RequestedBy.Id, "not an operator");
            return new StartRunResult.Forbidden($"Starting a run needs the {RolePolicy.StartRole} role, which {request.RequestedBy.DisplayName} does not have.");
        }

        // Read from the store, not this host's copy: a stop called on another host a moment ago refuses here too.
        if (await _stop.RefreshAsync(cancellationToken) is { } stop)
        {
            Log.StartRefused(_logger, request.Workflow, request.RequestedBy.Id, "emergency stop");
            return new StartRunResult.Forbidden($"New runs are refused: {EmergencyStop.Describe(stop)}. An admin lifts the stop with /resume-all (or on the dashboard).")
            {
                ByEmergencyStop = true,
            };
        }

        var descriptor = _catalog.Find(request.Workflow);
        if (descriptor is null)
        {
            return new StartRunResult.UnknownWorkflow(request.Workflow, _catalog.List().Select(w => w.Name).ToArray());
        }

        var errors = ParameterBinder.Bind(descriptor.Parameters, request.Parameters, out var parameters);
        if (errors.Count > 0)
        {
            return new StartRunResult.InvalidParameters(descriptor, errors);
        }

        if (StartRights.Refusal(descriptor, request.RequestedBy, parameters.Values) is { } refusal)
        {
            Log.StartRefused(_logger, request.Workflow, request.RequestedBy.Id, refusal);
            return new StartRunResult.Forbidden(refusal);
        }

        WorkflowDefinition definition;
        try
        {
            definition = await _catalog.MaterializeAsync(descriptor.Name, null, parameters, cancellationToken);
        }
        catch (WorkflowDefinitionException ex)
        {
            return new StartRunResult.InvalidDefinition(ex.Workflow, ex.Problems);
        }

        var now = _clock.GetUtcNow();
        var actor = request.RequestedBy;
        var run = new RunRecord
        {
            Id = RunIds.New(),
            Workflow = definition.Name,
            WorkflowVersion = definition.Descriptor.Version,
            Status = RunStatus.Pending,
            Parameters = parameters.Values,
            RequestedById = actor.Id,
            RequestedByAliases = ApprovalRules.Aliases(actor),
            RequestedByName = actor.DisplayName,
            Trigger = request.Trigger,
            LockKey = definition.LockKey,
            RequestId = request.RequestId,
            ReplyTo = request.ReplyTo,
            CreatedAt = now,
            HistorySeq = 1,
            Version = 1,
        };
        var steps = definition.Steps.Select((s, i) => new StepRecord { RunId = run.Id, Name = s.Name, Position = i, Status = StepStatus.Pending }).ToArray();
        var described = string.Join(" ", parameters.Values.Select(p => $"{p.Key}={p.Value}"));
        var created = new HistoryEntry(run.Id, 1, now, HistoryKind.Run, actor.Label, null, null, nameof(RunStatus.Pending),
            $"requested by {actor.Label} via {request.Trigger}{(described.Length == 0 ? string.Empty : $" with {described}")}");
        // Several hosts: the new run's lease is taken before the run exists, so a host that dies right after creating
        // it leaves a lease that expires, and another host takes the run over (a lease without a run is cleared).
        if (!await _leases.ClaimAsync(run.Id, cancellationToken))
        {
            throw new InvalidOperationException($"Run id {run.Id} is leased already; nothing was created.");
        }

        var result = await _store.CreateRunAsync(new NewRun(run, steps, created, definition.LockMode == LockMode.Queue), cancellationToken);
        switch (result)
        {
            case CreateRunResult.Duplicate duplicate:
                await _leases.ReleaseAsync(run.Id);
                return new StartRunResult.Duplicate(duplicate.Existing);
            case CreateRunResult.LockHeld held:
                await _leases.ReleaseAsync(run.Id);
                return new StartRunResult.LockHeld(run.LockKey!, held.Holder);
            case CreateRunResult.Created made:
                Log.RunCreated(_logger, run.Id, run.Workflow, actor.Label, request.Trigger);
                origin?.SetTag("opsflow.run.id", run.Id);
                await _runs.AttachNewAsync(new RunCoordinator(_services, definition, new RunSnapshot(made.Run, steps), made.LockAcquired, origin?.Context ?? default), cancellationToken);

                return made.LockAcquired
                    ? new StartRunResult.Started(made.Run)
                    : new StartRunResult.Queued(made.Run, made.HolderRunId ?? "another run");
            default:
                throw new InvalidOperationException($"Unknown result {result.GetType().Name}.");
        }
    }

    /// <summary>
    /// Sends a command to a run and waits until its effect is durable (or it was refused). A run another host is
    /// executing gets the command through the mailbox (see <see cref="IRunMailbox"/>); the answer comes back the same way.
    /// </summary>
    public async Task<CommandResult> SendAsync(string runId, RunCommand command, CancellationToken cancellationToken = default)
    {
        var result = await DeliverCommandAsync(runId, command, cancellationToken);
        await _audit.CommandedAsync(runId, command, result, cancellationToken);
        return result;
    }

    private async Task<CommandResult> DeliverCommandAsync(string runId, RunCommand command, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<CommandResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var delivery = await _runs.DeliverAsync(runId, new RunMessage.Command(command, done), cancellationToken);
        return delivery switch
        {
            Delivery.Delivered => await done.Task.WaitAsync(cancellationToken),
            Delivery.HeldElsewhere => await _mail.MailAsync(runId, command, () => DeliverCommandAsync(runId, command, cancellationToken), cancellationToken),
            _ => await _runs.NotDeliveredAsync(runId, command, cancellationToken),
        };
    }

    /// <summary>True when another live host holds the run's lease: it drives the run, and this host must not.</summary>
    public Task<bool> IsHeldElsewhereAsync(string runId, CancellationToken cancellationToken = default) =>
        _leases.IsHeldElsewhereAsync(runId, cancellationToken);

    /// <summary>Resumes every active run from the database. Call once at start, before taking requests.</summary>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken = default)
    {
        var started = _clock.GetTimestamp();
        _keeper.Start();
        // Before any run resumes: one that was stopped must not start a step on the way back.
        await _stop.RefreshAsync(cancellationToken);
        var resumed = await _runs.RecoverAsync(cancellationToken);
        Log.Recovered(_logger, resumed, _clock.GetElapsedTime(started).TotalMilliseconds);
        return resumed;
    }

    /// <summary>
    /// Loads the run if it is active and not loaded, and waits until no step of it is executing (it ended, or waits
    /// for a timer, an approval or a command). Returns its status then, or null when it is not active here (it
    /// ended, or another host drives it: see <see cref="IsHeldElsewhereAsync"/>).
    /// </summary>
    public async Task<RunStatus?> DriveAsync(string runId, CancellationToken cancellationToken = default)
    {
        var coordinator = await _runs.FindAsync(runId, cancellationToken);
        if (coordinator is null)
        {
            return null;
        }

        return await coordinator.WhenIdleAsync(cancellationToken);
    }

    /// <summary>
    /// Completes the next time the engine has nothing in progress: every message posted to a run handled (its change
    /// saved, its steps launched, its timers armed, its observers told) and every delivery done. Step bodies still
    /// executing do not count; whatever they post when they end is new work. "Nothing else happened" is checked
    /// against this, never against a sleep.
    /// </summary>
    public Task WhenQuiescentAsync(CancellationToken cancellationToken = default) =>
        _services.Activity.WhenQuiet.WaitAsync(cancellationToken);

    /// <summary>
    /// Hands the timer to its run. False when another host drives the run now: the timer must fire again a little
    /// later (a timer is never lost, and never handled by two hosts).
    /// </summary>
    public async Task<bool> OnTimerAsync(WorkflowTimer timer, CancellationToken cancellationToken = default)
    {
        Log.TimerFired(_logger, timer.Purpose);
        try
        {
            return await _runs.DeliverAsync(timer.RunId, new RunMessage.TimerFired(timer), cancellationToken) != Delivery.HeldElsewhere;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The due time is stored with the step: the timer is re-armed when the run is next loaded.
            Log.TimerFailed(_logger, ex, timer.Purpose);
            return true;
        }
    }

    /// <summary>
    /// A graceful stop: no new step or compensation starts, steps already running get up to <paramref name="grace"/>
    /// to finish and have their results saved, then the engine stops. A step still running then is cancelled and runs
    /// again at the next start, as after a crash. Returns how many steps were still running when it gave up.
    /// </summary>
    public async Task<int> DrainAsync(TimeSpan grace, CancellationToken cancellationToken = default)
    {
        _services.Draining = true;
        var coordinators = _runs.Coordinators;
        var busy = coordinators.Sum(c => c.StepsInFlight);
        Log.Draining(_logger, busy, coordinators.Length, grace);
        var left = 0;
        try
        {
            await Task.WhenAll(coordinators.Select(c => c.WhenIdleAsync(cancellationToken))).WaitAsync(grace, _clock, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            left = _runs.Coordinators.Sum(c => c.StepsInFlight);
        }

        Log.Drained(_logger, busy - left, left);
        await DisposeAsync();
        return left;
    }

    public async ValueTask DisposeAsync()
    {
        // A graceful stop disposes the engine, and the container disposes it again at the end.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopped = true;
        await _keeper.DisposeAsync();
        await _runs.DisposeAsync();
    }

    // The way back from a run's coordinator (through EngineServices) to the parts that own what it asks about.
    internal Task ReleaseAsync(string runId) => _leases.ReleaseAsync(runId);

    internal void Detach(RunCoordinator coordinator) => _runs.Detach(coordinator);

    internal void ReviveLater(string runId) => _revival.ReviveLater(runId);

    internal void ReloadNow(string runId) => _revival.ReloadNow(runId);

    internal void Healthy(string runId) => _revival.Healthy(runId);

    internal void OnLockReleased(string lockKey) => _revival.LockReleased(lockKey);

    /// <summary>Reloads waiting for their delay; tests wait for one to be armed before they move a fake clock.</summary>
    internal int PendingRevives => _revival.Pending;
}
