using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;

namespace OpsFlow.Bot.Health;

/// <summary>
/// Ready when Quartz is running (not created-only, on standby or shutting down): timers and schedules fire. While the
/// host is still starting, a scheduler not yet started is Degraded ("starting"), which /readyz answers with 503 like
/// Unhealthy but which the health-check service logs as a warning, not an error, on every probe of a normal start.
/// </summary>
internal sealed class SchedulerHealthCheck(IServiceProvider services, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<ISchedulerFactory>() is not { } factory)
        {
            return HealthCheckResult.Healthy("no scheduler on this host");
        }

        var scheduler = await factory.GetScheduler(cancellationToken);
        var status = await scheduler.GetStatus(cancellationToken);
        return status switch
        {
            SchedulerStatus.Running => HealthCheckResult.Healthy($"{scheduler.SchedulerName} running"),
            SchedulerStatus.Created or SchedulerStatus.Standby when !lifetime.ApplicationStarted.IsCancellationRequested =>
                HealthCheckResult.Degraded($"The host is starting; the scheduler is {status} until it has."),
            _ => HealthCheckResult.Unhealthy($"The scheduler is {status}: timers and schedules do not fire."),
        };
    }
}
