using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace OpsFlow.Teams.Tests.Integration;

/// <summary>Bad input at /api/messages gets a 4xx or a logged ignore, never a 500, and nothing runs.</summary>
public sealed class MessagesEndpointTests(TeamsFactory factory) : IClassFixture<TeamsFactory>
{
    [Fact]
    public async Task MalformedJson_Is400_WithWhatIsWrong()
    {
        var response = await factory.CreateClient().PostAsync("/api/messages", new StringContent("{\"type\": \"message\", ", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not an Activity in JSON", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("conversation", "'conversation.id' is missing")]
    [InlineData("serviceUrl", "'serviceUrl' must be an absolute http(s) URL")]
    [InlineData("from", "'from.id' is missing")]
    [InlineData("type", "'type' is missing")]
    public async Task MissingField_Is400_NamingTheField(string field, string expected)
    {
        var activity = ActivityJson.Message("help", "olivia");
        activity.Remove(field);

        var response = await factory.PostActivityAsync(activity);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizedBody_Is413()
    {
        var activity = ActivityJson.Message(new string('x', 300 * 1024), "olivia");

        var response = await factory.PostActivityAsync(activity);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task UnknownActivityType_IsAcknowledged_AndNothingIsSent()
    {
        var before = factory.Connector.Requests.Count;
        var activity = ActivityJson.Message("", "olivia");
        activity["type"] = "typing";

        var response = await factory.PostActivityAsync(activity);
        await factory.WaitForChatQuiescenceAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before, factory.Connector.Requests.Count);
    }

    [Fact]
    public async Task ArrayInsteadOfObject_Is400()
    {
        var response = await factory.CreateClient().PostAsync("/api/messages", new StringContent("[1,2]", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task WrongTypeOfField_Is400_NotA500()
    {
        var activity = ActivityJson.Message("help", "olivia");
        activity["conversation"] = JsonValue.Create(42);

        var response = await factory.PostActivityAsync(activity);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
