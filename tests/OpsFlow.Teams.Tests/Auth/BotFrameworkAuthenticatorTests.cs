using System.Net;
using Microsoft.IdentityModel.Tokens;
using OpsFlow.Teams.Auth;
using OpsFlow.Teams.Protocol;
using OpsFlow.Teams.Tests.Connector;

namespace OpsFlow.Teams.Tests.Auth;

public sealed class BotFrameworkAuthenticatorTests : IDisposable
{
    private readonly SigningKey _key = SigningKey.Create("key-1", "msteams", "webchat-not");
    private readonly FakeBotFramework _bf;
    private readonly BotFrameworkMetadata _metadata;
    private readonly BotFrameworkAuthenticator _auth;

    public BotFrameworkAuthenticatorTests()
    {
        _bf = new FakeBotFramework(_key);
        _metadata = new BotFrameworkMetadata(FakeBotFramework.MetadataUrl, _bf, _bf.Clock, new ListLogger<BotFrameworkMetadata>());
        var options = new TeamsOptions { AppId = FakeBotFramework.AppId, AppPassword = "unused", OpenIdMetadataUrl = FakeBotFramework.MetadataUrl };
        _auth = new BotFrameworkAuthenticator(options, _metadata, _bf.Clock, new ListLogger<BotFrameworkAuthenticator>());
    }

    public void Dispose()
    {
        _metadata.Dispose();
        _bf.Dispose();
    }

    private static Activity Activity(string channelId = "msteams", string serviceUrl = FakeBotFramework.ServiceUrl) => new()
    {
        Type = ActivityTypes.Message,
        ChannelId = channelId,
        ServiceUrl = serviceUrl,
        Conversation = new ConversationAccount { Id = "19:c" },
        From = new ChannelAccount { Id = "29:u" },
        Recipient = new ChannelAccount { Id = "28:bot" },
    };

    private Task<AuthenticationResult> Check(string token, Activity? activity = null) =>
        _auth.AuthenticateAsync($"Bearer {token}", activity ?? Activity());

    private static void AssertRefused(AuthenticationResult result, string expectedReason)
    {
        Assert.False(result.Succeeded, "the request should have been refused");
        Assert.Contains(expectedReason, result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidToken_IsAccepted()
    {
        var result = await Check(_bf.Token(_key));

        Assert.True(result.Succeeded, result.Reason);
    }

    [Fact]
    public async Task ServiceUrl_DifferingOnlyInTrailingSlashAndCase_IsAccepted()
    {
        var result = await Check(_bf.Token(_key), Activity(serviceUrl: "https://SMBA.trafficmanager.net/amer"));

        Assert.True(result.Succeeded, result.Reason);
    }

    [Fact]
    public async Task TokenSignedByAnotherKeyUnderThePublishedKid_IsRefusedAsForged()
    {
        var forger = SigningKey.Create("key-1");

        AssertRefused(await Check(_bf.Token(forger)), "signature does not verify with key 'key-1'");
    }

    [Fact]
    public async Task ExpiredToken_IsRefused_ButWithinFiveMinutesSkewItIsNot()
    {
        var now = _bf.Clock.GetUtcNow().UtcDateTime;
        var expired = _bf.Token(_key, d => (d.IssuedAt, d.NotBefore, d.Expires) = (now.AddHours(-1), now.AddHours(-1), now.AddMinutes(-6)));
        var withinSkew = _bf.Token(_key, d => (d.IssuedAt, d.NotBefore, d.Expires) = (now.AddHours(-1), now.AddHours(-1), now.AddMinutes(-4)));

        AssertRefused(await Check(expired), "the token expired at");
        Assert.True((await Check(withinSkew)).Succeeded, "a token expired 4 minutes ago is within the 5 minutes of skew");
    }

    [Fact]
    public async Task TokenNotYetValid_IsRefused()
    {
        var now = _bf.Clock.GetUtcNow().UtcDateTime;
        var early = _bf.Token(_key, d => (d.IssuedAt, d.NotBefore, d.Expires) = (now.AddMinutes(10), now.AddMinutes(10), now.AddMinutes(70)));

        AssertRefused(await Check(early), "not valid before");
    }

    [Fact]
    public async Task WrongAudience_IsRefused()
    {
        AssertRefused(await Check(_bf.Token(_key, d => d.Audience = "some-other-bot")), "audience 'some-other-bot' is not this bot's app id");
    }

    [Fact]
    public async Task WrongIssuer_IsRefused()
    {
        AssertRefused(await Check(_bf.Token(_key, d => d.Issuer = "https://evil.example")), "issuer 'https://evil.example' is not 'https://api.botframework.com'");
    }

    [Fact]
    public async Task ServiceUrlClaimMismatch_IsRefused()
    {
        var token = _bf.Token(_key);

        AssertRefused(await Check(token, Activity(serviceUrl: "https://attacker.example/")), "serviceurl claim");
    }

    [Fact]
    public async Task MissingServiceUrlClaim_IsRefused()
    {
        AssertRefused(await Check(_bf.Token(_key, d => d.Claims.Clear())), "no serviceurl claim");
    }

    [Theory]
    [InlineData(null, "no Authorization header")]
    [InlineData("", "no Authorization header")]
    [InlineData("Basic dXNlcjpwYXNz", "not a Bearer token")]
    [InlineData("Bearer  ", "the Bearer token is empty")]
    [InlineData("Bearer not-a-jwt", "not a well-formed JWT")]
    [InlineData("Bearer eyJhbGciOi.garbled.xx", "not a well-formed JWT")]
    public async Task MissingOrGarbledHeader_IsRefused(string? header, string expectedReason)
    {
        AssertRefused(await _auth.AuthenticateAsync(header, Activity()), expectedReason);
    }

    [Fact]
    public async Task KeyNotEndorsedForTheActivitysChannel_IsRefused()
    {
        AssertRefused(await Check(_bf.Token(_key), Activity(channelId: "webchat")), "not endorsed for channel 'webchat'");
    }

    [Fact]
    public async Task KeyWithoutEndorsements_SignsForAnyChannel()
    {
        var plain = SigningKey.Create("plain", endorsements: null);
        _bf.Publish(_key, plain);

        var result = await Check(_bf.Token(plain), Activity(channelId: "webchat"));

        Assert.True(result.Succeeded, result.Reason);
    }
}
