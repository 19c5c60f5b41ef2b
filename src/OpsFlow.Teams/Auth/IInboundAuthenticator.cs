using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Auth;

/// <summary>The verdict on an inbound request's credentials; <see cref="Reason"/> says why it was refused (for the log).</summary>
public sealed record AuthenticationResult(bool Succeeded, string? Reason)
{
    public static AuthenticationResult Ok { get; } = new(true, null);

    public static AuthenticationResult Fail(string reason) => new(false, reason);
}

/// <summary>
/// Checks the Bearer JWT the Bot Framework puts on every request to /api/messages (docs/product.md §8): signature (keys from
/// the OpenID metadata), issuer, audience, lifetime, the channel's endorsement and the serviceurl claim.
/// </summary>
public interface IInboundAuthenticator
{
    Task<AuthenticationResult> AuthenticateAsync(string? authorizationHeader, Activity activity, CancellationToken cancellationToken = default);
}

/// <summary>Bearer tokens for calls to the connector (client credentials); null in local development (no app id).</summary>
public interface IBotTokenSource
{
    ValueTask<string?> GetTokenAsync(CancellationToken cancellationToken = default);
}
