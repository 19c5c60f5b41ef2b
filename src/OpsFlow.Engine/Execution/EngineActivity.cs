namespace OpsFlow.Engine.Execution;

/// <summary>
/// The engine's own work in progress: messages posted to a run and not yet handled (with everything their handling
/// starts: saves, observers, timers armed), and deliveries still finding their run (a timer that fired, a command).
/// When it is zero the engine does nothing until something new arrives: a step body finishing, a timer, a command.
/// Step bodies themselves are not counted: they are the workflow's work, and may wait on anything.
/// This is what "nothing else happened" is checked against (<see cref="WorkflowEngine.WhenQuiescentAsync"/>), so a
/// test waits for the engine to settle instead of sleeping and hoping it has.
/// </summary>
internal sealed class EngineActivity
{
    private readonly Lock _gate = new();
    private int _pending;
    private TaskCompletionSource _quiet = Completed();

    public void Enter()
    {
        lock (_gate)
        {
            if (_pending++ == 0)
            {
                _quiet = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    public void Exit()
    {
        TaskCompletionSource? quiet = null;
        lock (_gate)
        {
            if (--_pending == 0)
            {
                quiet = _quiet;
            }
        }

        quiet?.TrySetResult();
    }

    /// <summary>Completes the next time no work is in progress (at once when none is).</summary>
    public Task WhenQuiet
    {
        get
        {
            lock (_gate)
            {
                return _quiet.Task;
            }
        }
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }
}
