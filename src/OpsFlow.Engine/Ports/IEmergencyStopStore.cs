namespace OpsFlow.Engine.Ports;

/// <summary>An emergency stop in force: who called it, why and when.</summary>
public sealed record EmergencyStopState(string ById, string ByName, string Reason, DateTimeOffset At);

/// <summary>Where the emergency stop is kept, so that it survives a restart and every host sees it.</summary>
public interface IEmergencyStopStore
{
    /// <summary>The stop in force, or null.</summary>
    Task<EmergencyStopState?> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Puts a stop in force (replacing one), or lifts it with null.</summary>
    Task SetAsync(EmergencyStopState? state, CancellationToken cancellationToken = default);
}
