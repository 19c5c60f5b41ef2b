using OpsFlow.Engine.Ports;

namespace OpsFlow.Engine.Execution;

/// <summary>
/// Whether an emergency stop is in force, as this host last read it (issue 21, item 2). While it is, the engine
/// starts no run and no running run starts a new step: a run that would is paused instead. Read from the store at
/// every start request and by <see cref="RefreshAsync"/> (at engine start, and every few seconds when hosts share the
/// database), so a stop called on one host reaches the others.
/// </summary>
public sealed class EmergencyStop(IEmergencyStopStore store)
{
    private volatile EmergencyStopState? _current;

    public EmergencyStopState? Current => _current;

    public async Task<EmergencyStopState?> RefreshAsync(CancellationToken cancellationToken = default) =>
        _current = await store.GetAsync(cancellationToken);

    internal async Task SetAsync(EmergencyStopState? state, CancellationToken cancellationToken)
    {
        await store.SetAsync(state, cancellationToken);
        _current = state;
    }

    /// <summary>How a refusal or a pause names the stop.</summary>
    public static string Describe(EmergencyStopState stop) =>
        $"emergency stop by {stop.ByName} at {stop.At:yyyy-MM-dd HH:mm} UTC: {stop.Reason}";
}
