using System.Net;

namespace OpsFlow.Teams.Inbound;

/// <summary>
/// Which serviceUrls the bot talks to. An activity names the URL the bot answers at, and the bot POSTs there with
/// its own token: taken on trust, it would call any host and path it is told (a server-side request forgery). Allowed
/// are https on the Bot Framework's hosts, the URLs configured in <see cref="TeamsOptions.ServiceUrls"/>, and, while
/// no app id is configured (development, on loopback only), any loopback URL, so a local Playground on any port works.
/// </summary>
public sealed class ServiceUrlPolicy(TeamsOptions options)
{
    /// <summary>The Bot Framework's and Teams' connector hosts, public and government clouds; subdomains included.</summary>
    private static readonly string[] BotFrameworkHosts =
    [
        "smba.trafficmanager.net", "botframework.com", "smba.infra.gcc.teams.microsoft.com",
        "smba.infra.gov.teams.microsoft.us", "smba.infra.dod.teams.microsoft.us",
    ];

    /// <summary>Null when the bot may talk to <paramref name="serviceUrl"/>; otherwise why not and what to do.</summary>
    public string? Refusal(string? serviceUrl)
    {
        if (!Uri.TryCreate(serviceUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return $"serviceUrl '{serviceUrl}' is not an absolute http(s) URL";
        }

        if (options.ServiceUrls.Any(allowed => Under(uri, allowed)))
        {
            return null;
        }

        if (uri.Scheme == Uri.UriSchemeHttps && string.IsNullOrEmpty(uri.UserInfo) && BotFrameworkHosts.Any(host => IsHostOrSubdomain(uri.Host, host)))
        {
            return null;
        }

        if (!options.Authenticates && IsLoopback(uri))
        {
            return null;
        }

        return $"serviceUrl '{uri.GetLeftPart(UriPartial.Authority)}' is not a Bot Framework host"
            + (options.Authenticates ? "" : " nor loopback")
            + "; if this channel is yours, add its URL to OpsFlow:Teams:ServiceUrls";
    }

    private static bool Under(Uri uri, string allowed) =>
        Uri.TryCreate(allowed, UriKind.Absolute, out var prefix)
        && string.Equals(uri.Scheme, prefix.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(uri.Host, prefix.Host, StringComparison.OrdinalIgnoreCase)
        && uri.Port == prefix.Port
        && uri.AbsolutePath.StartsWith(prefix.AbsolutePath, StringComparison.OrdinalIgnoreCase);

    private static bool IsHostOrSubdomain(string host, string domain) =>
        string.Equals(host, domain, StringComparison.OrdinalIgnoreCase) || host.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase);

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
