using System.Net;
using OpsFlow.Teams.Connector;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Tests.Connector;

public sealed class ConnectorClientTests
{
    private const string EscapedConversation = "19%3Aabc%40thread.tacv2%3Bmessageid%3D17";

    private readonly ConnectorHarness _h = new();

    [Fact]
    public async Task SendAsync_PostsToEscapedActivitiesUrl_AndReturnsTheNewId()
    {
        var id = await _h.Create().SendAsync(ConnectorHarness.Conversation, Outgoing.Text(ConnectorHarness.Conversation, "hello"));

        Assert.Equal("activity-1", id);
        var request = Assert.Single(_h.Stub.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal($"https://smba.example.net/amer/v3/conversations/{EscapedConversation}/activities", request.Uri.AbsoluteUri);
        Assert.Equal("hello", (string?)request.Body?["text"]);
        Assert.Equal("message", (string?)request.Body?["type"]);
    }

    [Theory]
    [InlineData("https://attacker.example.com/amer/")]
    [InlineData("http://169.254.169.254/latest/")]
    [InlineData("https://smba.example.net/elsewhere/")]
    public async Task AConversationWhoseServiceUrlIsNotAllowed_IsNeverCalled_AndTheErrorSaysWhatToDo(string serviceUrl)
    {
        var conversation = ConnectorHarness.Conversation with { ServiceUrl = serviceUrl };

        var error = await Assert.ThrowsAsync<ConnectorException>(() => _h.Create().SendAsync(conversation, Outgoing.Text(conversation, "hello")));

        Assert.Contains("OpsFlow:Teams:ServiceUrls", error.Message, StringComparison.Ordinal);
        Assert.Empty(_h.Stub.Requests);
    }

    [Fact]
    public async Task ReplyAsync_PostsUnderTheEscapedParentId_AndSetsReplyToId()
    {
        var id = await _h.Create().ReplyAsync(ConnectorHarness.Conversation, "1:parent/x", Outgoing.Text(ConnectorHarness.Conversation, "re"));

        Assert.Equal("activity-1", id);
        var request = Assert.Single(_h.Stub.Requests);
        Assert.Equal($"/amer/v3/conversations/{EscapedConversation}/activities/1%3Aparent%2Fx", request.Path);
        Assert.Equal("1:parent/x", (string?)request.Body?["replyToId"]);
    }

    [Fact]
    public async Task CreatePersonalConversationAsync_PostsAOneToOneWithTheBotTheUserAndTheTenant_AndReturnsItsId()
    {
        var user = new OpsFlow.Chat.ChatUser("29:megan", "Megan Bowen", null, null, ConnectorHarness.Conversation.ServiceUrl, "msteams", "28:bot", "OpsFlow", "tenant-1", null, DateTimeOffset.UnixEpoch);

        var id = await _h.Create().CreatePersonalConversationAsync(user);

        Assert.Equal("activity-1", id);
        var request = Assert.Single(_h.Stub.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/amer/v3/conversations", request.Path);
        var body = request.Body!;
        Assert.Equal(false, (bool?)body["isGroup"]);
        Assert.Equal("28:bot", (string?)body["bot"]?["id"]);
        Assert.Equal("29:megan", (string?)body["members"]?[0]?["id"]);
        Assert.Equal("tenant-1", (string?)body["tenantId"]);
        Assert.Equal("tenant-1", (string?)body["channelData"]?["tenant"]?["id"]);
    }

    [Fact]
    public async Task UpdateAsync_PutsToTheActivity_WithItsIdInTheBody()
    {
        await _h.Create().UpdateAsync(ConnectorHarness.Conversation, "activity-9", Outgoing.Text(ConnectorHarness.Conversation, "new text"));

        var request = Assert.Single(_h.Stub.Requests);
        Assert.Equal(HttpMethod.Put, request.Method);
        Assert.Equal($"/amer/v3/conversations/{EscapedConversation}/activities/activity-9", request.Path);
        Assert.Equal("activity-9", (string?)request.Body?["id"]);
    }

    [Fact]
    public async Task Requests_CarryTheBearerToken_OnlyWhenTheSourceHasOne()
    {
        var client = _h.Create();
        await client.SendAsync(ConnectorHarness.Conversation, Outgoing.Text(ConnectorHarness.Conversation, "with"));
        _h.Tokens.Value = null;
        await client.SendAsync(ConnectorHarness.Conversation, Outgoing.Text(ConnectorHarness.Conversation, "without"));

        Assert.Equal($"Bearer {ConnectorHarness.Token}", _h.Stub.Requests[0].Authorization);
        Assert.Null(_h.Stub.Requests[1].Authorization);
    }

    [Fact]
    public async Task SendAsync_Accepted202WithoutBody_ReturnsNullId()
    {
        _h.Stub.Enqueue(HttpStatusCode.Accepted);

        var id = await _h.Create().SendAsync(ConnectorHarness.Conversation, Outgoing.Text(ConnectorHarness.Conversation, "hi"));

        Assert.Null(id);
    }

    [Fact]
    public async Task GetMemberAsync_MapsTheMember_AndANonMemberIsNull()
    {
        _h.Stub.Members["29:user a"] = new ConversationMember("29:user a", "Ada", "ada@contoso.com", "aad-1");
        var client = _h.Create();

        var member = await client.GetMemberAsync(ConnectorHarness.Conversation, "29:user a");
        var stranger = await client.GetMemberAsync(ConnectorHarness.Conversation, "29:nobody");

        Assert.Equal(new ConversationMember("29:user a", "Ada", "ada@contoso.com", "aad-1"), member);
        Assert.Null(stranger);
        Assert.Equal(HttpMethod.Get, _h.Stub.Requests[0].Method);
        Assert.Equal($"/amer/v3/conversations/{EscapedConversation}/members/29%3Auser%20a", _h.Stub.Requests[0].Path);
        Assert.Equal(2, _h.Stub.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_BadRequest_ThrowsAtOnceWithStatusAndServiceText()
    {
        _h.Stub.Enqueue(HttpStatusCode.BadRequest, body: """  {"error":{"code":"BadArgument","message":"Unknown activity type"}}  """);

        var error = await Assert.ThrowsAsync<ConnectorException>(() =>
            _h.Create().SendAsync(ConnectorHarness.Conversation, Outgoing.Text(ConnectorHarness.Conversation, "hi")));

        Assert.Equal(400, error.StatusCode);
        Assert.Contains("BadArgument: Unknown activity type", error.Message, StringComparison.Ordinal);
        Assert.Single(_h.Stub.Requests);
        Assert.DoesNotContain(_h.Clock.Timers, _h.IsWait);
    }

    [Fact]
    public async Task UpdateAsync_NotFound_IsAConnectorErrorWithPlainTextTrimmed()
    {
        _h.Stub.Enqueue(HttpStatusCode.NotFound, body: "\n  activity gone  \n");

        var error = await Assert.ThrowsAsync<ConnectorException>(() =>
            _h.Create().UpdateAsync(ConnectorHarness.Conversation, "a-1", Outgoing.Text(ConnectorHarness.Conversation, "x")));

        Assert.Equal(404, error.StatusCode);
        Assert.Contains("Not Found: activity gone)", error.Message, StringComparison.Ordinal);
    }
}
