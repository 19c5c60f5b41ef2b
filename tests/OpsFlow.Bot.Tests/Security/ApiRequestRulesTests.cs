using System.Net;
using System.Text;

namespace OpsFlow.Bot.Tests.Security;

/// <summary>A host whose default role is below viewer: only the people the roles name may read.</summary>
public sealed class ClosedReadsFactory : OpsFlowFactory
{
    protected override void AddSettings(IDictionary<string, string> settings) => settings["OpsFlow:Access:DefaultRole"] = "nobody";
}

/// <summary>docs/security.md: what every API call must bring, whichever endpoint it reaches.</summary>
public sealed class ApiRequestRulesTests(ClosedReadsFactory factory) : IClassFixture<ClosedReadsFactory>
{
    [Theory]
    [InlineData("text/plain", "{\"workflow\":\"selfcheck\"}")]
    [InlineData("application/x-www-form-urlencoded", "workflow=selfcheck")]
    [InlineData("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"workflow\"\r\n\r\nselfcheck\r\n--x--\r\n")]
    [InlineData(null, "")]
    public async Task AStateChangingCall_WithoutAJsonBody_Is415_AndNothingStarts(string? contentType, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/runs") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = contentType is null ? null : System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("X-OpsFlow-User", "olivia");

        using var response = await factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("Content-Type: application/json", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var (_, runs) = await new ApiClient(factory.CreateClient()).GetAsync("/api/runs", "olivia");
        Assert.Equal(0, runs.GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("/api/runs")]
    [InlineData("/api/workflows")]
    [InlineData("/api/reports/summary")]
    [InlineData("/api/runs/anything/graph")]
    public async Task Reading_WithoutTheViewerRole_Is403(string path)
    {
        var (status, body) = await new ApiClient(factory.CreateClient()).GetAsync(path, "stranger");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("viewer role", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reading_WithARoleThatImpliesViewer_IsAllowed_AndWhoAmI_IsOpenToAll()
    {
        var api = new ApiClient(factory.CreateClient());

        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/runs", "olivia")).Status);
        var (status, me) = await api.GetAsync("/api/me", "stranger");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("stranger", me.GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("attacker.example.com")]
    [InlineData("opsflow.rebound.example.net:5080")]
    public async Task DevelopmentMode_AnswersOnlyToThisMachinesNames(string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Host = host;
        request.Headers.Add("X-OpsFlow-User", "ada");

        using var response = await factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
