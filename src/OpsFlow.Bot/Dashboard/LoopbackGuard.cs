using System.Net;

namespace OpsFlow.Bot.Dashboard;

/// <summary>
/// In development mode anyone who can reach the port can claim any identity with a header, so the host must
/// only listen on loopback. This reads the addresses the host is configured to bind before it binds them.
/// </summary>
public static class LoopbackGuard
{
    /// <summary>The configured addresses that are not loopback (empty when the host is safe to start).</summary>
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

        addresses.AddRange(configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Select(e => e["Url"]).OfType<string>());
        return addresses.Where(a => !IsLoopback(a)).ToArray();
    }

    /// <summary>Throws with what to do when development mode would listen beyond this machine.</summary>
    public static void ThrowIfExposed(IConfiguration configuration)
    {
        var exposed = NonLoopbackAddresses(configuration);
        if (exposed.Count > 0)
        {
            throw new InvalidOperationException(
                $"OpsFlow refuses to start: no identity provider is configured (development mode trusts the X-OpsFlow-User header), "
                + $"but it is configured to listen on {string.Join(", ", exposed)}. Listen on loopback only (Urls = http://127.0.0.1:5080), "
                + "or configure Entra ID sign-in with OpsFlow:Auth:Authority and OpsFlow:Auth:ClientId.");
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
