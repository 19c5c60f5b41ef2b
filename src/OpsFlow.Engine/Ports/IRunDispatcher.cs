namespace OpsFlow.Engine.Ports;

/// <summary>
/// Told when a run starts executing steps (it was idle: new, or waiting for a timer, an approval or a command).
/// The Quartz adapter turns this into a job per run that requests recovery, so work interrupted by a crash is
/// picked up again through Quartz, and a run's job never executes twice at once. The engine drives the run either
/// way; the job is what makes the work visible to, and recoverable by, the scheduler.
/// </summary>
public interface IRunDispatcher
{
    Task RunBusyAsync(string runId, CancellationToken cancellationToken = default);
}

/// <summary>No scheduler: the engine's own recovery at start-up is enough (tests, the command line).</summary>
public sealed class NoRunDispatcher : IRunDispatcher
{
    public static NoRunDispatcher Instance { get; } = new();

    public Task RunBusyAsync(string runId, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
