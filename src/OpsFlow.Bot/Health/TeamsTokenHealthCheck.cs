using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpsFlow.Teams;
using OpsFlow.Teams.Auth;

namespace OpsFlow.Bot.Health;

/// <summary>With an app id, ready when a connector token can be had (MSAL caches it, so this is cheap once it works).</summary>
internal sealed class TeamsTokenHealthCheck(TeamsOptions options, IBotTokenSource tokens) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!options.Authenticates)
        {
            return HealthCheckResult.Healthy("no app id: local development, no token needed");
        }

        try
        {
            return await tokens.GetTokenAsync(cancellationToken) is { Length: > 0 }
                ? HealthCheckResult.Healthy("token obtained")
                : HealthCheckResult.Unhealthy("No connector token came back; check OpsFlow:Teams:AppId, AppPassword and TenantId.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"No connector token: {ex.Message} Check OpsFlow:Teams:AppId, AppPassword and TenantId.");
        }
    }
}
