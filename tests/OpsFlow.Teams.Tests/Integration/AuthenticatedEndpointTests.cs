using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Teams.Auth;
using OpsFlow.Teams.Connector;
using OpsFlow.Teams.Tests.Auth;
using OpsFlow.Teams.Tests.Connector;

namespace OpsFlow.Teams.Tests.Integration;

/// <summary>The host with an app id: the Bot Framework's keys come from a local key set; outbound tokens are fixed.</summary>
public sealed class AuthenticatedHostFactory : OpsFlowFactory
{
    public SigningKey Key { get; } = SigningKey.Create("key-1", "msteams");

    public FakeBotFramework BotFramework { get; }

    public StubConnectorHandler Connector { get; } = new();

    public AuthenticatedHostFactory() => BotFramework = new FakeBotFramework(Key);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("OpsFlow:Playground:Enabled", "false");
        builder.UseSetting("OpsFlow:Teams:AppId", FakeBotFramework.AppId);
        builder.UseSetting("OpsFlow:Teams:AppPassword", "not-a-real-secret");
        builder.UseSetting("OpsFlow:Teams:OpenIdMetadataUrl", FakeBotFramework.MetadataUrl);
        builder.UseSetting("OpsFlow:Teams:Tenants:0", ActivityJson.Tenant);
        builder.ConfigureTestServices(services =>
        {
            services.AddHttpClient(BotFrameworkMetadata.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => BotFramework);
            services.AddHttpClient<IConnectorClient, ConnectorClient>().ConfigurePrimaryHttpMessageHandler(() => Connector);
            services.AddSingleton<IBotTokenSource>(new FixedToken());
        });
    }

    private sealed class FixedToken : IBotTokenSource
    {
        public ValueTask<string?> GetTokenAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<string?>("outbound-token");
    }
}

/// <summary>With an app id configured, only a valid Bot Framework token gets in; anything else is a 401 and nothing runs.</summary>
public sealed class AuthenticatedEndpointTests(AuthenticatedHostFactory factory) : IClassFixture<AuthenticatedHostFactory>
{
    private static readonly DateTime Now = TimeProvider.System.GetUtcNow().UtcDateTime;

    public static TheoryData<string> Refusals =>
        ["none", "garbled", "forged", "alg-none", "unknown-kid", "expired", "not-yet-valid", "wrong-audience", "wrong-issuer", "wrong-serviceurl", "other-channel"];

    [Fact]
    public async Task ValidToken_IsAccepted_AndTheBotAnswersWithItsOwnToken()
    {
        var conversation = $"19:{Guid.NewGuid():n}@thread.tacv2";

        var response = await PostAsync(conversation, Token(_ => { }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = await factory.Connector.WaitAsync(conversation, r => r.Count > 0, "the help card");
        Assert.Equal("Bearer outbound-token", sent[0].Authorization);
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task BadOrMissingToken_Is401_AndNothingIsSent(string kind)
    {
        var conversation = $"19:{Guid.NewGuid():n}@thread.tacv2";
        var forger = SigningKey.Create("key-1", "msteams");
        string? token = kind switch
        {
            "none" => null,
            "garbled" => "not.a.jwt",
            "forged" => factory.BotFramework.Token(forger, Live),
            // The valid token's claims with the signature dropped and the header saying so.
            "alg-none" => $"{Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{Token(_ => { }).Split('.')[1]}.",
            "unknown-kid" => factory.BotFramework.Token(factory.Key, Live, kid: "key-nobody-published"),
            // Signed with a key endorsed for Teams only, for an activity that says it comes from Web Chat.
            "other-channel" => Token(_ => { }),
            "expired" => Token(d => (d.NotBefore, d.Expires) = (Now.AddHours(-2), Now.AddMinutes(-10))),
            "not-yet-valid" => Token(d => (d.IssuedAt, d.NotBefore, d.Expires) = (Now.AddMinutes(10), Now.AddMinutes(10), Now.AddHours(1))),
            "wrong-audience" => Token(d => d.Audience = "someone-elses-bot"),
            "wrong-issuer" => Token(d => d.Issuer = "https://evil.example.com"),
            "wrong-serviceurl" => Token(d => d.Claims["serviceurl"] = "https://attacker.example.com/"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        var response = await PostAsync(conversation, token, kind == "other-channel" ? a => a["channelId"] = "webchat" : null);
        await factory.WaitForChatQuiescenceAsync();

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"a {kind} token must be refused; got {(int)response.StatusCode}");
        Assert.Empty(factory.Connector.In(conversation));
    }

    [Fact]
    public async Task ValidToken_FromAnotherTenant_Is403_AndNothingIsSent()
    {
        var conversation = $"19:{Guid.NewGuid():n}@thread.tacv2";

        var response = await PostAsync(conversation, Token(_ => { }), a =>
        {
            a["conversation"]!["tenantId"] = "tenant-elsewhere";
            a["channelData"]!["tenant"]!["id"] = "tenant-elsewhere";
        });
        await factory.WaitForChatQuiescenceAsync();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(factory.Connector.In(conversation));
    }

    private static string Base64Url(string json) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private string Token(Action<Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor> change) =>
        factory.BotFramework.Token(factory.Key, d =>
        {
            Live(d);
            change(d);
        });

    /// <summary>The fake's clock is its own; the host checks lifetimes against real time.</summary>
    private static void Live(Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor d) =>
        (d.IssuedAt, d.NotBefore, d.Expires) = (Now.AddMinutes(-1), Now.AddMinutes(-1), Now.AddMinutes(59));

    private async Task<HttpResponseMessage> PostAsync(string conversation, string? token, Action<System.Text.Json.Nodes.JsonObject>? change = null)
    {
        var activity = ActivityJson.Message("help", "olivia", conversation: conversation);
        activity["serviceUrl"] = FakeBotFramework.ServiceUrl;
        change?.Invoke(activity);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = JsonContent.Create(activity) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await factory.CreateClient().SendAsync(request);
    }
}
