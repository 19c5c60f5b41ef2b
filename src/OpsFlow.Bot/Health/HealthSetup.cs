using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OpsFlow.Bot.Health;

/// <summary>
/// Liveness (/healthz: the process answers) and readiness (/readyz: the database is reachable and migrated, the
/// scheduler runs, every workflow script loads, and with an app id a connector token can be had; an emergency stop
/// in force is reported, and leaves the host ready), in the ASP.NET
/// Core health-check format with a JSON body that says what is wrong.
/// </summary>
internal static class HealthSetup
{
    private const string Ready = "ready";

    public static IServiceCollection AddOpsFlowHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [Ready])
            .AddCheck<SchedulerHealthCheck>("scheduler", tags: [Ready])
            .AddCheck<WorkflowsHealthCheck>("workflows", tags: [Ready])
            .AddCheck<TeamsTokenHealthCheck>("teams-token", tags: [Ready])
            .AddCheck<EmergencyStopHealthCheck>("emergency-stop", tags: [Ready]);
        return services;
    }

    public static WebApplication MapOpsFlowHealth(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(Ready),
            ResponseWriter = WriteAsync,
            // Degraded means "not yet" here (a host still starting): not ready for traffic.
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        return app;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            durationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
            }),
        }, JsonSerializerOptions.Web), context.RequestAborted);
    }
}
