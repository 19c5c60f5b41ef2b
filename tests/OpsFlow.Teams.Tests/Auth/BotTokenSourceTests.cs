using System.Net;
using System.Text;
using OpsFlow.Teams.Auth;

namespace OpsFlow.Teams.Tests.Auth;

public sealed class BotTokenSourceTests
{
    private static TeamsOptions Options(string? password = "s3cret", string? tenant = null) =>
        new() { AppId = FakeBotFramework.AppId, AppPassword = password, TenantId = tenant };

    [Theory]
    [InlineData(null)]
    [InlineData("  ")]
    public void AppIdWithoutPassword_IsAClearStartupError(string? password)
    {
        var error = Assert.Throws<InvalidOperationException>(() => BotTokenSource.ValidateOptions(Options(password)));

        Assert.Contains("OpsFlow:Teams:AppPassword is empty", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "https://login.microsoftonline.com/botframework.com")]
    [InlineData("", "https://login.microsoftonline.com/botframework.com")]
    [InlineData("contoso.onmicrosoft.com", "https://login.microsoftonline.com/contoso.onmicrosoft.com")]
    public void Authority_IsTheBotsTenant_OrBotframeworkComForMultiTenant(string? tenant, string expected)
    {
        Assert.Equal(expected, BotTokenSource.AuthorityFor(Options(tenant: tenant)));
    }

    [Fact]
    public async Task Tokens_ComeFromClientCredentials_AndAreReusedFromTheCache()
    {
        using var login = new StubLogin();
        var source = new BotTokenSource(Options(tenant: "contoso.onmicrosoft.com"), login, new Connector.ListLogger<BotTokenSource>());

        var first = await source.GetTokenAsync();
        var second = await source.GetTokenAsync();

        Assert.Equal(StubLogin.AccessToken, first);
        Assert.Equal(first, second);
        var tokenRequest = Assert.Single(login.Requests, r => r.Url.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal));
        Assert.StartsWith("https://login.microsoftonline.com/contoso.onmicrosoft.com/", tokenRequest.Url, StringComparison.Ordinal);
        Assert.Contains("grant_type=client_credentials", tokenRequest.Body, StringComparison.Ordinal);
        Assert.Contains($"scope={Uri.EscapeDataString(BotTokenSource.Scope)}", tokenRequest.Body, StringComparison.Ordinal);
        Assert.Contains($"client_id={FakeBotFramework.AppId}", tokenRequest.Body, StringComparison.Ordinal);
    }

    /// <summary>The Entra token endpoint, offline.</summary>
    private sealed class StubLogin : HttpMessageHandler, IHttpClientFactory
    {
        public const string AccessToken = "stub-access-token";
        private readonly Lock _sync = new();
        private readonly List<(string Url, string Body)> _requests = [];

        public IReadOnlyList<(string Url, string Body)> Requests
        {
            get
            {
                lock (_sync)
                {
                    return [.. _requests];
                }
            }
        }

        public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            lock (_sync)
            {
                _requests.Add((request.RequestUri!.AbsoluteUri, body));
            }

            if (!request.RequestUri.AbsolutePath.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal))
            {
                return new HttpResponseMessage(HttpStatusCode.NotFound);
            }

            var json = $$"""{"token_type":"Bearer","expires_in":3600,"ext_expires_in":3600,"access_token":"{{AccessToken}}"}""";
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        }
    }
}
