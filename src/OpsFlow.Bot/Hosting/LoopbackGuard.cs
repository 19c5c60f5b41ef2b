using System.Net;
using OpsFlow.Bot.Dashboard;
using OpsFlow.Teams;

namespace OpsFlow.Bot.Hosting;

/// <summary>
/// An entry point that takes callers on their word (no Teams app id: any activity is accepted, as anyone; no sign-in:
/// the dashboard and API trust the X-OpsFlow-User header) is safe only when nobody else can reach the port. Whenever
/// one is open, the host refuses to start unless every address it is configured to bind is loopback, whatever else
/// is configured. It reads the configuration before anything binds.
/// </summary>
public static class LoopbackGuard
{
    /// <summary>Refuses to build the host when an unauthenticated entry point would listen beyond this machine.</summary>
    public static WebApplicationBuilder RequireLoopbackUnlessAuthenticated(this WebApplicationBuilder builder)
    {
        ThrowIfExposed(builder.Configuration);
        return builder;
    }

    /// <summary>The entry points that take callers on their word, each with the settings that close it.</summary>
    public static IReadOnlyList<string> Unauthenticated(IConfiguration configuration)
    {
        var open = new List<string>();
        if (!(configuration.GetSection(TeamsSetup.Section).Get<TeamsOptions>() ?? new TeamsOptions()).Authenticates)
        {
            open.Add("/api/messages accepts activities without a Bot Framework token, as any user (set OpsFlow:Teams:AppId and OpsFlow:Teams:AppPassword)");
        }

        if (!(configuration.GetSection(SignInSetup.Section).Get<SignInOptions>() ?? new SignInOptions()).Configured)
        {
            open.Add("the dashboard and API trust the X-OpsFlow-User header (set OpsFlow:Auth:Authority and OpsFlow:Auth:ClientId for Entra ID sign-in)");
        }

        return open;
    }

    /// <summary>The configured addresses that are not loopback (empty when the host binds only this machine).</summary>
    public static IReadOnlyList<string> NonLoopbackAddresses(IConfiguration configuration)
    {
        var addresses = new List<string>();
        var urls = configuration["urls"];
        if (!string.IsNullOrWhiteSpace(urls))
        {
            addresses.AddRange(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        else
        {
            // ASPNETCORE_HTTP_PORTS / HTTPS_PORTS (set by the official container images) bind every interface.
            foreach (var key in new[] { "http_ports", "https_ports" })
            {
                var ports = configuration[key];
                if (!string.IsNullOrWhiteSpace(ports))
                {
                    addresses.AddRange(ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"*:{p} ({key})"));
                }
            }
        }

        // Kestrel's own endpoints replace the URLs above when present; both are checked, so neither can slip by.
        addresses.AddRange(configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Select(e => e["Url"]).OfType<string>());
        return addresses.Where(a => !IsLoopback(a)).ToArray();
    }

    /// <summary>Throws with what to do when an unauthenticated entry point would listen beyond this machine.</summary>
    public static void ThrowIfExposed(IConfiguration configuration)
    {
        var open = Unauthenticated(configuration);
        var exposed = open.Count == 0 ? [] : NonLoopbackAddresses(configuration);
        if (exposed.Count > 0)
        {
            throw new StartupRefusedException(
                $"OpsFlow refuses to start: it is configured to listen on {string.Join(", ", exposed)}, beyond this machine, but "
                + $"{string.Join("; and ", open)}. Either listen on loopback only (Urls = http://127.0.0.1:5080) "
                + "or configure what each of these names. See docs/security.md.");
        }
    }

    internal static bool IsLoopback(string address)
    {
        if (!Uri.TryCreate(address.Replace("://*", "://wildcard.invalid", StringComparison.Ordinal).Replace("://+", "://wildcard.invalid", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return false;
        }

        var host = uri.Host.Trim('[', ']');
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }
}
