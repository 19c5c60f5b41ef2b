using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OpsFlow.Teams.Auth;

/// <summary>Says at start how /api/messages is protected; without an app id, loudly, because then it is not.</summary>
public sealed class AuthStartupNotice(TeamsOptions options, ILogger<AuthStartupNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Authenticates)
        {
            AuthLog.AuthenticationOn(logger, options.AppId!, options.Issuer, options.OpenIdMetadataUrl);
            var channels = string.Join(", ", options.ServedChannels);
            if (options.ServedTenants.Count == 0)
            {
                AuthLog.AnyTenant(logger, channels);
            }
            else
            {
                var tenants = string.Join(", ", options.ServedTenants);
                AuthLog.Serving(logger, channels, tenants);
            }
        }
        else
        {
            AuthLog.RunningWithoutAuthentication(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
