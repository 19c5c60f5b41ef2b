using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Definitions;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Engine.Telemetry;

namespace OpsFlow.Engine.Execution;

/// <summary>
/// Owns one active run: the run's one message loop. Messages (step results, timers, commands) are handled one at a
/// time, so the run's state needs no locks. Handling a message goes through the run's parts (docs/engine.md, "One
/// coordinator per run"): <see cref="RunFlow"/> and <see cref="RunCommands"/> decide, with the pure
/// <see cref="StepScheduler"/>, and record in <see cref="RunChanges"/>; the change is saved in one transaction before
/// anything acts on it; then <see cref="RunEffects"/> starts attempts on the <see cref="AttemptRunner"/>, arms timers,
/// and observers hear. Commands answer only after the save.
/// </summary>
internal sealed class RunCoordinator : IDisposable
{
    private readonly Channel<RunMessage> _inbox = Channel.CreateUnbounded<RunMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly EngineServices _services;
    private readonly StepScheduler _scheduler;
    private readonly RunChanges _changes;
    private readonly RunEffects _effects;
    private readonly StepLogSink _sink;
    private readonly AttemptRunner _attempts;
    private readonly RunFlow _flow;
    private readonly RunCommands _commands;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _postGate = new();
    private readonly ActivityContext _origin;
    private readonly RunTrace _trace;
    private bool _closed;
    private Task? _loop;
    private volatile TaskCompletionSource _idleSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _idle;
    private volatile bool _ended;
    private bool _startedOnce;

    public RunCoordinator(EngineServices services, WorkflowDefinition definition, RunSnapshot snapshot, bool holdsLock, ActivityContext origin = default)
    {
        var run = snapshot.Run;
        var parameters = new ParameterValues(run.Parameters);
        _origin = origin;
        _services = services;
        _trace = new RunTrace(services.Telemetry, run.Id, run.Workflow);
        _scheduler = new StepScheduler(definition, parameters);
        _changes = new RunChanges(snapshot, holdsLock, services.Store, services.Clock, services.Logger);
        _effects = new RunEffects(run.Id, services);
        _sink = new StepLogSink(run.Id, services.Options, services.Masker, services.Clock, () => Post(new RunMessage.Flush()));
        _attempts = new AttemptRunner(services, run.Id, run.Workflow, parameters, definition.Services, _trace, _sink, Post, _stopping.Token);
        var approvals = new ApprovalDecisions(services, definition, _scheduler, _changes, _effects);
        _flow = new RunFlow(services, definition, _scheduler, _changes, _effects, _attempts, approvals, _trace, _stopping.Token);
        var parameterChange = new ParameterChange(services, definition, _changes, _effects, _stopping.Token);
        _commands = new RunCommands(services, _changes, _effects, _attempts, approvals, parameterChange, _stopping.Token);
    }

    public string RunId => _changes.RunId;

    private RunRecord Run => _changes.Run;

    /// <summary>Step bodies and compensations executing now.</summary>
    public int StepsInFlight => _attempts.Count;

    /// <summary>The loop has ended and the coordinator is letting its run go.</summary>
    public bool IsEnding { get; private set; }

    /// <summary>Completes when the run reaches a terminal state or the coordinator stops.</summary>
    public Task Completion => _loop ?? Task.CompletedTask;

    public void Start(bool recovering)
    {
        _trace.Begin(Run, recovering, _origin, Now);
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
            if (_inbox.Reader.Count > 0 || !_attempts.IsIdle)
            {
                return false;
            }

            _closed = true;
            _inbox.Writer.TryComplete();
            return true;
        }
    }

    /// <summary>
    /// Takes no more messages, whatever waits: the run is loaded again at once (its parameters changed). A command
    /// that was waiting is answered "being reloaded"; a timer that was waiting is re-armed by the reload.
    /// </summary>
    private void Close()
    {
        lock (_postGate)
        {
            _closed = true;
            _inbox.Writer.TryComplete();
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
        await _attempts.CancelAllAsync();
    }

    private async Task LoopAsync()
    {
        var reload = false;
        using var scope = _services.Logger.BeginScope(new Dictionary<string, object> { ["RunId"] = RunId, ["Workflow"] = Run.Workflow });
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

                if (_effects.HasLaunches && (_idle || !_startedOnce))
                {
                    // Before the steps start: once the scheduler knows the run executes, a crash from here on is
                    // recovered through it.
                    await _services.BusyAsync(RunId, _stopping.Token);
                }

                _effects.Run();
                NoteIdleOrBusy();
                answer?.Done.TrySetResult(result with { Run = Run });
                if (StateMachine.IsTerminal(Run.Status))
                {
                    break;
                }

                if (_effects.ReloadWanted)
                {
                    Close();
                    reload = true;
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
                (left as RunMessage.Command)?.Done.TrySetResult(
                    StateMachine.IsTerminal(Run.Status) ? CommandResult.Ended(Run) : CommandResult.HandedOver(RunId));
                _services.Activity.Exit();
            }

            _trace.End(Run, Now);
            IsEnding = true;
            // Released before it is detached: until then a message for the run waits for this coordinator's end
            // instead of claiming the run again and losing the new lease to this release.
            await _services.ReleaseAsync(RunId);
            _services.Detach(this);
            _ended = true;
            _idleSignal.TrySetResult();
            if (reload)
            {
                _services.Reload(RunId);
            }
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
                return Run.Status;
            }

            await signal.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Busy → idle wakes whoever waits in <see cref="WhenIdleAsync"/>.</summary>
    private void NoteIdleOrBusy()
    {
        var idle = _attempts.IsIdle;
        _startedOnce = true;
        _idle = idle;
        if (idle)
        {
            Interlocked.Exchange(ref _idleSignal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }


    private async Task<CommandResult> HandleAsync(RunMessage message)
    {
        var result = CommandAnswers.Done(string.Empty);
        switch (message)
        {
            case RunMessage.Kick kick:
                await _flow.KickAsync(kick.Recovering);
                break;
            case RunMessage.StepFinished finished:
                _flow.OnStepFinished(finished);
                break;
            case RunMessage.CompensationFinished compensated:
                _flow.OnCompensationFinished(compensated);
                break;
            case RunMessage.TimerFired fired:
                _flow.OnTimer(fired.Timer);
                break;
            case RunMessage.Flush:
                return result;
            case RunMessage.Command command:
                result = await _commands.HandleAsync(command.Request);
                break;
            default:
                throw new InvalidOperationException($"Unknown message {message.GetType().Name}.");
        }

        _flow.Advance();
        return result;
    }

    /// <summary>Saves what the last message changed with the log lines and progress waiting, then tells observers. False when the save failed.</summary>
    private async Task<bool> CommitAsync()
    {
        var logs = _sink.TakeLines();
        foreach (var (step, percent, text) in _sink.TakeProgress())
        {
            if (_changes.Steps.TryGetValue(step, out var record) && record.Status == StepStatus.Running)
            {
                _changes.UpdateStep(step, s => s with { ProgressPercent = percent, ProgressText = text });
            }
        }

        foreach (var (step, items) in _sink.TakeItems())
        {
            if (_changes.Steps.TryGetValue(step, out var record) && record.Status is StepStatus.Running or StepStatus.Compensating)
            {
                _changes.UpdateStep(step, s => s with { Items = items });
            }
        }

        SavedChange? saved;
        try
        {
            saved = await _changes.SaveAsync(logs, _stopping.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            Log.CommitFailed(_services.Logger, ex, RunId);
            return false;
        }

        if (saved is null)
        {
            return true;
        }

        if (saved.FirstSinceReload)
        {
            _services.Healthy(RunId);
        }

        var change = saved.Change;
        _trace.Committed(change.History, Run, name => _changes.Steps[name], _scheduler.KindOf);
        await _services.NotifyAsync(new RunChanged(Run, change.Steps, change.History), _stopping.Token);
        return true;
    }

    private DateTimeOffset Now => _services.Clock.GetUtcNow();

    /// <summary>One message's share of the engine's activity, given back however its handling ends.</summary>
    private readonly struct Handling(EngineActivity activity) : IDisposable
    {
        public void Dispose() => activity.Exit();
    }
}
