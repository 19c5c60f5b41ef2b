using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OpsFlow.Teams.Auth;

/// <summary>Reads `Authorization: Bearer &lt;jwt&gt;` into a parsed (not yet validated) token, or says what is wrong with it.</summary>
internal static class BearerToken
{
    private const string Scheme = "Bearer ";

    public static (JsonWebToken? Token, string? Problem) Read(string? authorizationHeader, JsonWebTokenHandler handler)
    {
        if (string.IsNullOrWhiteSpace(authorizationHeader))
        {
            return (null, "no Authorization header: the Bot Framework sends a Bearer token with every request");
        }

        if (!authorizationHeader.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return (null, "the Authorization header is not a Bearer token");
        }

        var jwt = authorizationHeader[Scheme.Length..].Trim();
        if (jwt.Length == 0)
        {
            return (null, "the Bearer token is empty");
        }

        if (!handler.CanReadToken(jwt))
        {
            return (null, "the Bearer token is not a well-formed JWT");
        }

        try
        {
            return (handler.ReadJsonWebToken(jwt), null);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException)
        {
            return (null, "the Bearer token is not a well-formed JWT");
        }
    }
}
