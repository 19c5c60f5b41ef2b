using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Chat;

namespace OpsFlow.Teams.Tests.Integration;

/// <summary>The Teams host serving one tenant (the one <see cref="ActivityJson"/> sends).</summary>
public sealed class OneTenantFactory : TeamsFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("OpsFlow:Teams:Tenants:0", ActivityJson.Tenant);
    }
}

/// <summary>
/// docs/security.md, "who the bot serves": an activity from another channel, another tenant or with a serviceUrl the
/// bot must not call is refused with 403 and a logged reason; nothing is stored, nothing answered, nothing runs.
/// </summary>
public sealed class ActivityGateTests(OneTenantFactory factory) : IClassFixture<OneTenantFactory>
{
    [Theory]
    [InlineData("channelId", "webchat", "channel 'webchat' is not served")]
    [InlineData("channelId", "directline", "channel 'directline' is not served")]
    [InlineData("tenant", "tenant-elsewhere", "tenant 'tenant-elsewhere' is not served")]
    [InlineData("serviceUrl", "https://attacker.example.com/steal/", "is not a Bot Framework host")]
    [InlineData("serviceUrl", "http://169.254.169.254/latest/", "is not a Bot Framework host")]
    public async Task AnActivityTheBotDoesNotServe_Is403_AndLeavesNoTrace(string field, string value, string expected)
    {
        var conversation = $"19:{Guid.NewGuid():n}@thread.tacv2";
        var activity = ActivityJson.Message("deploy web-app v1", "olivia", conversation: conversation);
        if (field == "tenant")
        {
            activity["conversation"]!["tenantId"] = value;
            activity["channelData"]!["tenant"]!["id"] = value;
        }
        else
        {
            activity[field] = value;
        }

        var before = factory.Connector.Requests.Count;
        var response = await factory.PostActivityAsync(activity);
        await factory.WaitForChatQuiescenceAsync();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, factory.Connector.Requests.Count);
        Assert.Null(await factory.Services.GetRequiredService<IChatStore>().GetConversationAsync(conversation));
    }

    [Fact]
    public async Task TheServedTenant_OnTeams_IsAnswered()
    {
        var conversation = $"19:{Guid.NewGuid():n}@thread.tacv2";

        var response = await factory.PostActivityAsync(ActivityJson.Message("help", "olivia", conversation: conversation));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await factory.Connector.WaitForRequestsAsync(1);
        Assert.NotNull(await factory.Services.GetRequiredService<IChatStore>().GetConversationAsync(conversation));
    }
}
