using System.Globalization;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace OpsFlow.Teams.Auth;

/// <summary>The Bot Framework specific checks (endorsements, serviceurl) and the wording of refusals.</summary>
internal static class TokenChecks
{
    public const string EndorsementsProperty = "endorsements";
    public const string ServiceUrlClaim = "serviceurl";

    /// <summary>The JWKS entry (it carries the endorsements), else any signing key with that id.</summary>
    public static SecurityKey? FindKey(OpenIdConnectConfiguration configuration, string keyId) =>
        (SecurityKey?)configuration.JsonWebKeySet?.Keys.FirstOrDefault(k => string.Equals(k.Kid, keyId, StringComparison.Ordinal))
        ?? configuration.SigningKeys.FirstOrDefault(k => string.Equals(k.KeyId, keyId, StringComparison.Ordinal));

    /// <summary>A key that lists endorsements may only sign for those channels; a key without the list signs for any.</summary>
    public static AuthenticationResult? CheckEndorsement(SecurityKey key, string? channelId)
    {
        var endorsements = Endorsements(key);
        if (endorsements is null || (channelId is { Length: > 0 } && endorsements.Contains(channelId, StringComparer.Ordinal)))
        {
            return null;
        }

        return AuthenticationResult.Fail(
            $"signing key '{key.KeyId}' is not endorsed for channel '{channelId}' (it is endorsed for: {string.Join(", ", endorsements)})");
    }

    public static AuthenticationResult? CheckServiceUrl(JsonWebToken token, string? activityServiceUrl)
    {
        var claim = token.Claims.FirstOrDefault(c => string.Equals(c.Type, ServiceUrlClaim, StringComparison.OrdinalIgnoreCase))?.Value;
        if (string.IsNullOrEmpty(claim))
        {
            return AuthenticationResult.Fail("the token has no serviceurl claim, so the activity's serviceUrl cannot be trusted");
        }

        return string.Equals(claim.TrimEnd('/'), activityServiceUrl?.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)
            ? null
            : AuthenticationResult.Fail($"the token's serviceurl claim '{claim}' does not match the activity's serviceUrl '{activityServiceUrl}'");
    }

    public static string Describe(Exception? failure, JsonWebToken token, TeamsOptions options) => failure switch
    {
        SecurityTokenExpiredException expired =>
            $"the token expired at {Time(expired.Expires)} (with {BotFrameworkAuthenticator.ClockSkew.TotalMinutes} minutes of clock skew allowed)",
        SecurityTokenNotYetValidException early =>
            $"the token is not valid before {Time(early.NotBefore)} (with {BotFrameworkAuthenticator.ClockSkew.TotalMinutes} minutes of clock skew allowed)",
        SecurityTokenNoExpirationException => "the token has no expiry ('exp' claim)",
        SecurityTokenInvalidAudienceException =>
            $"the token's audience '{string.Join(", ", token.Audiences)}' is not this bot's app id '{options.AppId}'",
        SecurityTokenInvalidIssuerException => $"the token's issuer '{token.Issuer}' is not '{options.Issuer}'",
        SecurityTokenInvalidAlgorithmException => $"the token is signed with algorithm '{token.Alg}', which the OpenID metadata does not allow",
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException =>
            $"the token's signature does not verify with key '{token.Kid}': it was forged or altered",
        null => "the token was refused",
        _ => $"the token was refused ({failure.GetType().Name})",
    };

    private static string Time(DateTime utc) => utc.ToString("u", CultureInfo.InvariantCulture);

    private static List<string>? Endorsements(SecurityKey key)
    {
        if (key is not JsonWebKey jwk || !jwk.AdditionalData.TryGetValue(EndorsementsProperty, out var value) || value is null)
        {
            return null;
        }

        return value switch
        {
            JsonElement { ValueKind: JsonValueKind.Array } array => [.. array.EnumerateArray().Select(e => e.ToString())],
            JsonElement element => [element.ToString()],
            string single => [single],
            IEnumerable<object> list => [.. list.Select(o => Convert.ToString(o, CultureInfo.InvariantCulture) ?? "")],
            _ => [Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""],
        };
    }
}
