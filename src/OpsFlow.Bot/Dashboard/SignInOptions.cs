namespace OpsFlow.Bot.Dashboard;

/// <summary>
/// Sign-in with Microsoft Entra ID (section "OpsFlow:Auth"). With <see cref="Authority"/> and
/// <see cref="ClientId"/> set, people sign in with OpenID Connect and the X-OpsFlow-User header is ignored.
/// Without them the host is in development mode: it trusts the header and must listen on loopback only.
/// </summary>
public sealed class SignInOptions
{
    /// <summary>The tenant's authority, e.g. https://login.microsoftonline.com/{tenant-id}/v2.0. Default none.</summary>
    public string? Authority { get; set; }

    /// <summary>The app registration's client id. Default none.</summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret, for the authorization code flow. Keep it in user secrets or the environment, never in appsettings.json.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Where Entra ID sends people back; register it as a redirect URI. Default /signin-oidc.</summary>
    public string CallbackPath { get; set; } = "/signin-oidc";

    public bool Configured => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(ClientId);
}
