using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Engine.Telemetry;

namespace OpsFlow.Engine.Execution;

/// <summary>
/// Owns one active run. Messages (step results, timers, commands) are handled one at a time, so the run's
/// state needs no locks. Each message's changes are saved in one transaction before anything acts on them:
/// steps start, timers are armed, observers hear, and commands answer only after the save.
/// </summary>
internal sealed partial class RunCoordinator : IDisposable
{
    private readonly Channel<RunMessage> _inbox = Channel.CreateUnbounded<RunMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly EngineServices _services;
    private readonly WorkflowDefinition _definition;
    private readonly ParameterValues _parameters;
    private readonly Dictionary<string, StepRecord> _steps;
    // The steps as the store holds them: what each change says it replaces (RunChange.SavedSteps).
    private readonly Dictionary<string, StepRecord> _savedSteps;
    private readonly Dictionary<string, StepDefinition> _stepDefinitions;
    private readonly ConcurrentDictionary<string, (int Attempt, CancellationTokenSource Cancel)> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<StepLogLine> _logs = new();
    private readonly ConcurrentDictionary<string, (int Percent, string? Text)> _progress = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _postGate = new();
    private bool _closed;

    // Changes of the message being handled; saved together by CommitAsync.
    private readonly List<HistoryEntry> _history = [];
    private readonly HashSet<string> _dirtySteps = new(StringComparer.Ordinal);
    private readonly List<Action> _afterCommit = [];
    private RunRecord _run;
    private long _expectedVersion;
    private bool _holdsLock;
    private string? _releaseLock;
    private Task? _loop;
    private volatile TaskCompletionSource _idleSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _idle;
    private volatile bool _ended;
    private bool _startedOnce;
    private bool _launchQueued;
    private readonly ActivityContext _origin;
    private readonly RunTrace _trace;

    public RunCoordinator(EngineServices services, WorkflowDefinition definition, RunSnapshot snapshot, bool holdsLock, ActivityContext origin = default)
    {
        _origin = origin;
        _trace = new RunTrace(services.Telemetry, snapshot.Run.Id, snapshot.Run.Workflow);
        _services = services;
        _definition = definition;
        _run = snapshot.Run;
        _expectedVersion = snapshot.Run.Version;
        _parameters = new ParameterValues(snapshot.Run.Parameters);
        _steps = snapshot.Steps.ToDictionary(s => s.Name, StringComparer.Ordinal);
        _savedSteps = new Dictionary<string, StepRecord>(_steps, StringComparer.Ordinal);
        _stepDefinitions = definition.Steps.ToDictionary(s => s.Name, StringComparer.Ordinal);
        _holdsLock = holdsLock || snapshot.Run.LockKey is null;
    }

    public string RunId => _run.Id;

    /// <summary>Step bodies and compensations executing now.</summary>
    public int StepsInFlight => _inFlight.Count;

    /// <summary>The loop has ended and the coordinator is letting its run go.</summary>
    public bool IsEnding { get; private set; }

    /// <summary>Completes when the run reaches a terminal state or the coordinator stops.</summary>
    public Task Completion => _loop ?? Task.CompletedTask;

    public void Start(bool recovering)
    {
        _trace.Begin(_run, recovering, _origin, Now);
        // The run outlives whatever started it: nothing of the caller's context (its span, its log scopes) flows in.
        using (ExecutionContext.SuppressFlow())
        {
            _loop = Task.Run(LoopAsync);
        }

        Post(new RunMessage.Kick(recovering));
    }

    /// <summary>False when the coordinator takes no more messages (the run ended, stopped, or was let go idle).</summary>
    public bool Post(RunMessage message)
    {
        lock (_postGate)
        {
            // Counted before it can be read: the loop's Exit for it must never come first.
            _services.Activity.Enter();
            if (!_closed && _inbox.Writer.TryWrite(message))
            {
                return true;
            }

            _services.Activity.Exit();
            return false;
        }
    }

    /// <summary>
    /// Several hosts: an idle run is let go (its coordinator ends and its lease is released) so that its next
    /// message may be handled by any host. Only when nothing waits in the inbox and no step executes.
    /// </summary>
    private bool TryUnload()
    {
        lock (_postGate)
        {
            if (_inbox.Reader.Count > 0 || !_inFlight.IsEmpty)
            {
                return false;
            }

            _closed = true;
            _inbox.Writer.TryComplete();
            return true;
        }
    }

    /// <summary>Stops handling messages and cancels running steps; their durable state stays as it was, for recovery.</summary>
    public async Task StopAsync()
    {
        _inbox.Writer.TryComplete();
        await CancelEverythingAsync();
        await Completion;
    }

    public void Dispose() => _stopping.Dispose();

    /// <summary>
    /// Gives the run up after a failed save or a bug: in-memory state may be ahead of the database, so running
    /// steps are cancelled (a reloaded run must not find them still going) and the run is reloaded later.
    /// </summary>
    private async Task AbandonAsync()
    {
        await CancelEverythingAsync();
        _services.Revive(RunId);
    }

    /// <summary>Stops the message loop and fires the tokens of every step still running.</summary>
    private async Task CancelEverythingAsync()
    {
        await _stopping.CancelAsync();
        foreach (var (_, cancel) in _inFlight.Values)
        {
            try
            {
                await cancel.CancelAsync();
            }
            catch (ObjectDisposedException)
            {
                // The step settled on the loop meanwhile (Settle disposes its token): nothing left to cancel. A stop
                // comes from another thread, so it can see an attempt the loop is just forgetting.
            }
        }
    }

    private async Task LoopAsync()
    {
        using var scope = _services.Logger.BeginScope(new Dictionary<string, object> { ["RunId"] = RunId, ["Workflow"] = _run.Workflow });
        try
        {
            await foreach (var message in _inbox.Reader.ReadAllAsync(_stopping.Token))
            {
                using var handling = new Handling(_services.Activity);
                var answer = message as RunMessage.Command;
                var result = await HandleAsync(message);
                if (!await CommitAsync())
                {
                    answer?.Done.TrySetResult(CommandResult.Refused("The change could not be saved; nothing changed. Try again in a moment."));
                    await AbandonAsync();
                    break;
                }

                if (_launchQueued && (_idle || !_startedOnce))
                {
                    // Before the steps start: once the scheduler knows the run executes, a crash from here on is
                    // recovered through it.
                    await _services.BusyAsync(RunId, _stopping.Token);
                }

                _launchQueued = false;
                foreach (var action in _afterCommit)
                {
                    action();
                }

                _afterCommit.Clear();
                NoteIdleOrBusy();
                answer?.Done.TrySetResult(result with { Run = _run });
                if (StateMachine.IsTerminal(_run.Status))
                {
                    break;
                }

                if (_services.UnloadWhenIdle && _idle && TryUnload())
                {
                    Log.RunUnloaded(_services.Logger, RunId);
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopped by the host: the durable state is what recovery goes on from.
        }
        catch (Exception ex)
        {
            // A bug in the engine (an illegal transition, say) must not take the host down; the run is reloaded
            // from its last durable state later, and the error is logged loudly.
            Log.CoordinatorCrashed(_services.Logger, ex, RunId);
            await AbandonAsync();
        }
        finally
        {
            _inbox.Writer.TryComplete();
            while (_inbox.Reader.TryRead(out var left))
            {
                (left as RunMessage.Command)?.Done.TrySetResult(CommandResult.Refused($"Run {RunId} is {_run.Status}; nothing was done."));
                _services.Activity.Exit();
            }

            _trace.End(_run, Now);
            IsEnding = true;
            // Released before it is detached: until then a message for the run waits for this coordinator's end
            // instead of claiming the run again and losing the new lease to this release.
            await _services.ReleaseAsync(RunId);
            _services.Detach(this);
            _ended = true;
            _idleSignal.TrySetResult();
        }
    }

    /// <summary>
    /// Completes once no step of the run is executing after a saved change, or the coordinator ended; returns the
    /// run's status then.
    /// </summary>
    public async Task<RunStatus> WhenIdleAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var signal = _idleSignal;
            if (_ended || _idle)
            {
                return _run.Status;
            }

            await signal.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Steps start only after the save (commit before act); an idle run starting one tells the dispatcher first.</summary>
    private void QueueLaunch(Action launch)
    {
        _launchQueued = true;
        _afterCommit.Add(launch);
    }

    /// <summary>Busy → idle wakes whoever waits in <see cref="WhenIdleAsync"/>.</summary>
    private void NoteIdleOrBusy()
    {
        var idle = _inFlight.IsEmpty;
        _startedOnce = true;
        _idle = idle;
        if (idle)
        {
            Interlocked.Exchange(ref _idleSignal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }


    private async Task<CommandResult> HandleAsync(RunMessage message)
    {
        switch (message)
        {
            case RunMessage.Kick kick:
                await OnKickAsync(kick.Recovering);
                Advance();
                return Ok(string.Empty);
            case RunMessage.StepFinished finished:
                OnStepFinished(finished);
                Advance();
                return Ok(string.Empty);
            case RunMessage.CompensationFinished compensated:
                OnCompensationFinished(compensated);
                Advance();
                return Ok(string.Empty);
            case RunMessage.TimerFired fired:
                OnTimer(fired.Timer);
                Advance();
                return Ok(string.Empty);
            case RunMessage.Flush:
                return Ok(string.Empty);
            case RunMessage.Command command:
                var result = await OnCommandAsync(command.Request);
                Advance();
                return result;
            default:
                throw new InvalidOperationException($"Unknown message {message.GetType().Name}.");
        }
    }

    private static CommandResult Ok(string message) => new(CommandOutcome.Done, message);

    private DateTimeOffset Now => _services.Clock.GetUtcNow();

    /// <summary>One message's share of the engine's activity, given back however its handling ends.</summary>
    private readonly struct Handling(EngineActivity activity) : IDisposable
    {
        public void Dispose() => activity.Exit();
    }
}
