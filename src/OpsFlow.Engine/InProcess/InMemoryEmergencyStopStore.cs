using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.InProcess;

/// <summary>The emergency stop in memory: for tests and hosts without a database (a durable store replaces it).</summary>
public sealed class InMemoryEmergencyStopStore : IEmergencyStopStore
{
    private volatile EmergencyStopState? _state;

    public Task<EmergencyStopState?> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(_state);

    public Task SetAsync(EmergencyStopState? state, CancellationToken cancellationToken = default)
    {
        _state = state;
        return Task.CompletedTask;
    }
}
