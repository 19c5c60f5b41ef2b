using OpsFlow.Engine.Ports;

namespace OpsFlow.Testing;

/// <summary>An engine observer that pulses <see cref="Changed"/> at every committed run change: what run waits wake on.</summary>
public sealed class RunChangeSignal : IRunObserver
{
    public Signal Changed { get; } = new();

    public ValueTask OnRunChangedAsync(RunChanged change, CancellationToken cancellationToken = default)
    {
        Changed.Pulse();
        return ValueTask.CompletedTask;
    }
}
