using System.Net;
using OpsFlow.Teams.Auth;
using OpsFlow.Teams.Protocol;
using OpsFlow.Teams.Tests.Connector;

namespace OpsFlow.Teams.Tests.Auth;

public sealed class BotFrameworkMetadataTests : IDisposable
{
    private readonly SigningKey _old = SigningKey.Create("old", "msteams");
    private readonly SigningKey _new = SigningKey.Create("new", "msteams");
    private readonly FakeBotFramework _bf;
    private readonly BotFrameworkMetadata _metadata;
    private readonly BotFrameworkAuthenticator _auth;

    public BotFrameworkMetadataTests()
    {
        _bf = new FakeBotFramework(_old);
        _metadata = new BotFrameworkMetadata(FakeBotFramework.MetadataUrl, _bf, _bf.Clock, new ListLogger<BotFrameworkMetadata>());
        var options = new TeamsOptions { AppId = FakeBotFramework.AppId, OpenIdMetadataUrl = FakeBotFramework.MetadataUrl };
        _auth = new BotFrameworkAuthenticator(options, _metadata, _bf.Clock, new ListLogger<BotFrameworkAuthenticator>());
    }

    public void Dispose()
    {
        _metadata.Dispose();
        _bf.Dispose();
    }

    private Task<AuthenticationResult> Check(SigningKey signer) =>
        _auth.AuthenticateAsync($"Bearer {_bf.Token(signer)}", new Activity { ChannelId = "msteams", ServiceUrl = FakeBotFramework.ServiceUrl });

    [Fact]
    public async Task Keys_AreCached_AndFetchedAgainAfterADay()
    {
        Assert.True((await Check(_old)).Succeeded);
        Assert.True((await Check(_old)).Succeeded);
        Assert.Equal(1, _bf.KeyFetches);

        _bf.Clock.Advance(TimeSpan.FromHours(24));
        Assert.True((await Check(_old)).Succeeded);
        Assert.Equal(2, _bf.KeyFetches);
    }

    [Fact]
    public async Task UnknownKid_RefreshesOnce_SoARotatedKeyIsAccepted()
    {
        Assert.True((await Check(_old)).Succeeded);
        _bf.Publish(_old, _new);

        var result = await Check(_new);

        Assert.True(result.Succeeded, result.Reason);
        Assert.Equal(2, _bf.KeyFetches);
    }

    [Fact]
    public async Task KidThatIsNeverPublished_IsRefused_AndDoesNotFetchAgainWithinTheRefreshInterval()
    {
        var stranger = SigningKey.Create("stranger");

        var first = await Check(stranger);
        var second = await Check(stranger);

        Assert.False(first.Succeeded);
        Assert.Contains("key 'stranger', which the OpenID metadata does not list", first.Reason, StringComparison.Ordinal);
        Assert.False(second.Succeeded);
        Assert.Equal(2, _bf.KeyFetches);
    }

    [Fact]
    public async Task MetadataUnavailable_RefusesWithAReason()
    {
        _bf.FailWith = HttpStatusCode.ServiceUnavailable;

        var result = await Check(_old);

        Assert.False(result.Succeeded);
        Assert.Contains("signing keys are unavailable", result.Reason, StringComparison.Ordinal);
        Assert.Contains(FakeBotFramework.MetadataUrl, result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailedFirstLoad_IsTriedAgainAfterAFewSeconds_NotOnEveryRequest()
    {
        _bf.FailWith = HttpStatusCode.ServiceUnavailable;
        Assert.False((await Check(_old)).Succeeded);
        _bf.FailWith = null;

        var soon = await Check(_old);
        _bf.Clock.Advance(_metadata.FirstLoadRetryInterval);
        var later = await Check(_old);

        Assert.False(soon.Succeeded, "within the retry interval the failure is repeated without a fetch");
        Assert.True(later.Succeeded, later.Reason);
        Assert.Equal(1, _bf.KeyFetches);
    }

    [Fact]
    public async Task RefreshFailing_KeepsTheKeysItHas()
    {
        Assert.True((await Check(_old)).Succeeded);
        _bf.FailWith = HttpStatusCode.InternalServerError;
        _bf.Clock.Advance(TimeSpan.FromHours(25));

        var result = await Check(_old);

        Assert.True(result.Succeeded, result.Reason);
    }

    [Theory]
    [InlineData("http://login.example.com/v1/.well-known/openidconfiguration")]
    [InlineData("not a url")]
    public void Constructor_RefusesPlainHttpOffLoopback(string url)
    {
        var error = Assert.Throws<ArgumentException>(() => new BotFrameworkMetadata(url, _bf, _bf.Clock, new ListLogger<BotFrameworkMetadata>()));
        Assert.Contains("OpenIdMetadataUrl", error.Message, StringComparison.Ordinal);
    }
}
