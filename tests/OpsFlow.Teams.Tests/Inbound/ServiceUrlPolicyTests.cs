using OpsFlow.Teams.Inbound;

namespace OpsFlow.Teams.Tests.Inbound;

/// <summary>docs/security.md: the bot answers (with its token) only at the Bot Framework's hosts or URLs it was given.</summary>
public sealed class ServiceUrlPolicyTests
{
    private static readonly TeamsOptions Production = new() { AppId = "00000000-0000-0000-0000-000000000001", AppPassword = "x" };
    private static readonly TeamsOptions Development = new();

    [Theory]
    [InlineData("https://smba.trafficmanager.net/amer/")]
    [InlineData("https://smba.trafficmanager.net/teams/")]
    [InlineData("https://europe.webchat.botframework.com/")]
    [InlineData("https://smba.infra.gcc.teams.microsoft.com/")]
    [InlineData("https://smba.infra.gov.teams.microsoft.us/")]
    public void BotFrameworkHosts_OverHttps_AreAllowed(string url)
    {
        Assert.Null(new ServiceUrlPolicy(Production).Refusal(url));
        Assert.Null(new ServiceUrlPolicy(Development).Refusal(url));
    }

    [Theory]
    [InlineData("http://smba.trafficmanager.net/amer/", "plain http")]
    [InlineData("https://attacker.example.com/", "another host")]
    [InlineData("https://smba.trafficmanager.net.attacker.example.com/", "a host that starts like the Bot Framework's")]
    [InlineData("https://attackerbotframework.com/", "a host that ends like it without a dot")]
    [InlineData("https://user@smba.trafficmanager.net/amer/", "user info in the URL")]
    [InlineData("http://127.0.0.1:56150/_connector", "loopback, with an app id")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "the cloud metadata address")]
    [InlineData("file:///etc/passwd", "not http")]
    public void AnythingElse_IsRefused_WithWhatToDo(string url, string why)
    {
        var refusal = new ServiceUrlPolicy(Production).Refusal(url);

        Assert.True(refusal is not null, $"{why} must be refused: {url}");
    }

    [Theory]
    [InlineData("http://localhost:56150/_connector")]
    [InlineData("http://127.0.0.1:3978/")]
    [InlineData("http://[::1]:8080/")]
    public void Loopback_IsAllowedInDevelopmentOnly(string url)
    {
        Assert.Null(new ServiceUrlPolicy(Development).Refusal(url));
        Assert.Contains("OpsFlow:Teams:ServiceUrls", new ServiceUrlPolicy(Production).Refusal(url), StringComparison.Ordinal);
    }

    [Fact]
    public void AConfiguredUrl_AllowsWhatIsUnderIt_AndNothingBeside()
    {
        var policy = new ServiceUrlPolicy(new TeamsOptions { AppId = "a", AppPassword = "x", ServiceUrls = ["https://bots.contoso.com/connector/"] });

        Assert.Null(policy.Refusal("https://bots.contoso.com/connector/v3/conversations/a/activities"));
        Assert.NotNull(policy.Refusal("https://bots.contoso.com/other/v3/conversations/a/activities"));
        Assert.NotNull(policy.Refusal("http://bots.contoso.com/connector/"));
        Assert.NotNull(policy.Refusal("https://bots.contoso.com:8443/connector/"));
    }
}
