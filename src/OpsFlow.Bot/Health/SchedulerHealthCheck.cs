using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;

namespace OpsFlow.Bot.Health;

/// <summary>Ready when Quartz is running (not created-only, on standby or shutting down): timers and schedules fire.</summary>
internal sealed class SchedulerHealthCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<ISchedulerFactory>() is not { } factory)
        {
            return HealthCheckResult.Healthy("no scheduler on this host");
        }

        var scheduler = await factory.GetScheduler(cancellationToken);
        var status = await scheduler.GetStatus(cancellationToken);
        return status == SchedulerStatus.Running
            ? HealthCheckResult.Healthy($"{scheduler.SchedulerName} running")
            : HealthCheckResult.Unhealthy($"The scheduler is {status}: timers and schedules do not fire.");
    }
}
