using System.Net;

namespace OpsFlow.Bot.Tests;

/// <summary>A host of its own: its emergency stop would refuse every other test's runs.</summary>
public sealed class EmergencyStopFactory : OpsFlowFactory;

/// <summary>The emergency stop over the API (the dashboard's button): admins only, with a reason, reported by GET and /readyz, audited.</summary>
public sealed class EmergencyStopApiTests(EmergencyStopFactory factory) : IClassFixture<EmergencyStopFactory>
{
    private readonly ApiClient _api = new(factory.CreateClient(), factory.RunChanged);

    [Fact]
    public async Task StopAll_IsForAdminsWithAReason_RefusesStarts_IsReported_AndLiftingItLetsRunsStartAgain()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await _api.PostAsync("/api/emergency-stop", "olivia", new { reason = "disk full" })).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await _api.PostAsync("/api/emergency-stop", "ada", new { reason = "" })).Status);

        var (stopped, said) = await _api.PostAsync("/api/emergency-stop", "ada", new { reason = "database failover" });

        Assert.True(stopped == HttpStatusCode.OK, $"{(int)stopped}: {said}");
        var (_, state) = await _api.GetAsync("/api/emergency-stop", "victor");
        Assert.True(state.GetProperty("active").GetBoolean());
        Assert.Equal("database failover", state.GetProperty("reason").GetString());
        var (refused, why) = await _api.PostAsync("/api/runs", "olivia", new { workflow = "selfcheck" });
        Assert.Equal(HttpStatusCode.Conflict, refused);
        Assert.Contains("emergency stop", why.ToString(), StringComparison.Ordinal);
        var ready = await factory.CreateClient().GetStringAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Contains("EMERGENCY STOP in force", ready, StringComparison.Ordinal);
        var (_, audit) = await _api.GetAsync("/api/audit?action=stop-all", "ada");
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("outcome").GetString() == "Done" && e.GetProperty("detail").GetString()!.StartsWith("database failover", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Forbidden, (await _api.SendAsync(HttpMethod.Delete, "/api/emergency-stop", "olivia")).Status);
        Assert.Equal(HttpStatusCode.OK, (await _api.SendAsync(HttpMethod.Delete, "/api/emergency-stop", "ada")).Status);
        Assert.False((await _api.GetAsync("/api/emergency-stop", "victor")).Body.GetProperty("active").GetBoolean());
        Assert.Equal(HttpStatusCode.Created, (await _api.PostAsync("/api/runs", "olivia", new { workflow = "selfcheck" })).Status);
    }
}
