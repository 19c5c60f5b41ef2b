using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OpsFlow.Teams.Tests.Auth;

/// <summary>A key the fake Bot Framework signs with; <see cref="Endorsements"/> null means the JWKS entry lists none.</summary>
public sealed record SigningKey(string Kid, RSA Rsa, string[]? Endorsements)
{
    public static SigningKey Create(string kid, params string[]? endorsements) => new(kid, RSA.Create(2048), endorsements);
}

/// <summary>
/// The Bot Framework's login service, offline: serves the OpenID metadata and the JWKS (with endorsements) on
/// loopback URLs through an HttpMessageHandler, and issues tokens as the channel would, on a fake clock.
/// </summary>
public sealed class FakeBotFramework : HttpMessageHandler, IHttpClientFactory
{
    public const string MetadataUrl = "http://127.0.0.1/v1/.well-known/openidconfiguration";
    public const string KeysUrl = "http://127.0.0.1/v1/.well-known/keys";
    public const string Issuer = "https://api.botframework.com";
    public const string AppId = "00000000-1111-2222-3333-444444444444";
    public const string ServiceUrl = "https://smba.trafficmanager.net/amer/";

    private readonly Lock _sync = new();
    private List<SigningKey> _published;
    private int _keyFetches;

    public FakeBotFramework(params SigningKey[] published) => _published = [.. published];

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2031, 5, 4, 12, 0, 0, TimeSpan.Zero));

    /// <summary>When set, both documents answer with this status.</summary>
    public HttpStatusCode? FailWith { get; set; }

    public int KeyFetches => Volatile.Read(ref _keyFetches);

    public void Publish(params SigningKey[] keys)
    {
        lock (_sync)
        {
            _published = [.. keys];
        }
    }

    public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

    /// <summary>A token as the Bot Framework sends it: valid for an hour around now, for our app and serviceUrl; <paramref name="change"/> edits it.</summary>
    public string Token(SigningKey signer, Action<SecurityTokenDescriptor>? change = null, string? kid = null)
    {
        var now = Clock.GetUtcNow().UtcDateTime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = AppId,
            IssuedAt = now.AddMinutes(-1),
            NotBefore = now.AddMinutes(-1),
            Expires = now.AddMinutes(59),
            Claims = new Dictionary<string, object> { ["serviceurl"] = ServiceUrl },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(signer.Rsa) { KeyId = kid ?? signer.Kid }, SecurityAlgorithms.RsaSha256),
        };
        change?.Invoke(descriptor);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (FailWith is { } status)
        {
            return Task.FromResult(new HttpResponseMessage(status));
        }

        var url = request.RequestUri!.AbsoluteUri;
        if (url == MetadataUrl)
        {
            return Json(new
            {
                issuer = Issuer,
                authorization_endpoint = "https://invalid.botframework.com/v1/auth",
                jwks_uri = KeysUrl,
                id_token_signing_alg_values_supported = new[] { "RS256" },
                token_endpoint_auth_methods_supported = new[] { "private_key_jwt" },
            });
        }

        if (url == KeysUrl)
        {
            Interlocked.Increment(ref _keyFetches);
            lock (_sync)
            {
                return Json(new { keys = _published.Select(Jwk).ToArray() });
            }
        }

        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound));
    }

    private static Dictionary<string, object> Jwk(SigningKey key)
    {
        var parameters = key.Rsa.ExportParameters(includePrivateParameters: false);
        var jwk = new Dictionary<string, object>
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["kid"] = key.Kid,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
        };
        if (key.Endorsements is not null)
        {
            jwk["endorsements"] = key.Endorsements;
        }

        return jwk;
    }

    private static Task<HttpResponseMessage> Json(object value) =>
        Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json") });
}
