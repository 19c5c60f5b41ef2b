using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Auth;

/// <summary>
/// Checks the Bot Framework's Bearer JWT as "Authentication with the Bot Connector API" requires: signed by a key of
/// the OpenID metadata with an allowed algorithm, issuer, audience = our app id, lifetime (5 minutes skew), the key
/// endorsed for the activity's channel, and the serviceurl claim equal to the activity's serviceUrl. Each refusal
/// says which check failed, never the token itself.
/// </summary>
public sealed class BotFrameworkAuthenticator(
    TeamsOptions options,
    IConfigurationManager<OpenIdConnectConfiguration> metadata,
    TimeProvider time,
    ILogger<BotFrameworkAuthenticator> logger) : IInboundAuthenticator
{
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private readonly JsonWebTokenHandler _handler = new();

    public async Task<AuthenticationResult> AuthenticateAsync(string? authorizationHeader, Activity activity, CancellationToken cancellationToken = default)
    {
        var (token, problem) = BearerToken.Read(authorizationHeader, _handler);
        if (token is null)
        {
            return AuthenticationResult.Fail(problem!);
        }

        if (string.IsNullOrEmpty(token.Kid))
        {
            return AuthenticationResult.Fail("the token names no signing key ('kid' header)");
        }

        var (key, configuration, keyProblem) = await FindKeyAsync(token.Kid, cancellationToken);
        if (key is null)
        {
            return AuthenticationResult.Fail(keyProblem!);
        }

        var result = await _handler.ValidateTokenAsync(token, Parameters(key, configuration!));
        if (!result.IsValid)
        {
            return AuthenticationResult.Fail(TokenChecks.Describe(result.Exception, token, options));
        }

        return TokenChecks.CheckEndorsement(key, activity.ChannelId) ?? TokenChecks.CheckServiceUrl(token, activity.ServiceUrl) ?? AuthenticationResult.Ok;
    }

    private TokenValidationParameters Parameters(SecurityKey key, OpenIdConnectConfiguration configuration) => new()
    {
        ValidIssuer = options.Issuer,
        ValidAudience = options.AppId,
        IssuerSigningKeys = [key],
        TryAllIssuerSigningKeys = false,
        ValidAlgorithms = configuration.IdTokenSigningAlgValuesSupported.Count > 0
            ? configuration.IdTokenSigningAlgValuesSupported
            : [SecurityAlgorithms.RsaSha256],
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateLifetime = true,
        ClockSkew = ClockSkew,
        LifetimeValidator = ValidateLifetime,
    };

    /// <summary>The library's own lifetime check reads the system clock; this one reads the injected TimeProvider.</summary>
    private bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (expires is not { } exp)
        {
            throw new SecurityTokenNoExpirationException("The token has no expiry.");
        }

        if (notBefore is { } nbf && now + ClockSkew < nbf)
        {
            throw new SecurityTokenNotYetValidException("The token is not valid yet.") { NotBefore = nbf };
        }

        if (now - ClockSkew >= exp)
        {
            throw new SecurityTokenExpiredException("The token has expired.") { Expires = exp };
        }

        return true;
    }

    /// <summary>The key the token names; an unknown key id makes the metadata refresh once (the keys may have rotated).</summary>
    private async Task<(SecurityKey? Key, OpenIdConnectConfiguration? Configuration, string? Problem)> FindKeyAsync(string keyId, CancellationToken cancellationToken)
    {
        try
        {
            var configuration = await metadata.GetConfigurationAsync(cancellationToken);
            var key = TokenChecks.FindKey(configuration, keyId);
            if (key is null)
            {
                AuthLog.UnknownKeyRefresh(logger, keyId);
                metadata.RequestRefresh();
                configuration = await metadata.GetConfigurationAsync(cancellationToken);
                key = TokenChecks.FindKey(configuration, keyId);
            }

            return key is null
                ? (null, null, $"the token is signed with key '{keyId}', which the OpenID metadata does not list (after a refresh)")
                : (key, configuration, null);
        }
        catch (InvalidOperationException ex)
        {
            return (null, null, $"the signing keys are unavailable: {ex.Message}");
        }
    }
}
