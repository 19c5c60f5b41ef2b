using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpsFlow.Engine.Execution;

namespace OpsFlow.Bot.Health;

/// <summary>
/// Reports an emergency stop in force, with who, when and why. Healthy either way: the host must stay in the load
/// balancer during a stop, because the stop is lifted through it.
/// </summary>
internal sealed class EmergencyStopHealthCheck(EmergencyStop stop) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await stop.RefreshAsync(cancellationToken) is { } state
            ? HealthCheckResult.Healthy($"EMERGENCY STOP in force: {EmergencyStop.Describe(state)}; new runs are refused until an admin lifts it")
            : HealthCheckResult.Healthy("no emergency stop");
}
