using System.Net;
using System.Text.Json;

namespace OpsFlow.Bot.Tests;

/// <summary>Schedules through the real host: Quartz on the host's SQLite file.</summary>
public sealed class ScheduleApiTests(OpsFlowFactory factory) : IClassFixture<OpsFlowFactory>
{
    private readonly ApiClient _api = new(factory.CreateClient(), factory.RunChanged);

    [Fact]
    public async Task AddListRemove_AsOperator_RoundTrips()
    {
        var (status, created) = await _api.PostAsync("/api/schedules", "olivia", new { workflow = "gated", cron = "30 2 * * 1-5", timeZone = "Europe/Paris", parameters = new { env = "dev" } });

        Assert.Equal(HttpStatusCode.Created, status);
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal("olivia", created.GetProperty("createdBy").GetString());
        var (_, list) = await _api.GetAsync("/api/schedules");
        var listed = list.EnumerateArray().Single(s => s.GetProperty("id").GetString() == id);
        Assert.Equal("Europe/Paris", listed.GetProperty("timeZone").GetString());
        Assert.True(listed.GetProperty("nextFireAt").ValueKind == JsonValueKind.String, "a schedule shows when it fires next");

        var (removed, _) = await _api.SendAsync(HttpMethod.Delete, $"/api/schedules/{id}", "olivia");
        Assert.Equal(HttpStatusCode.OK, removed);
        var (again, problem) = await _api.SendAsync(HttpMethod.Delete, $"/api/schedules/{id}", "olivia");
        Assert.Equal(HttpStatusCode.NotFound, again);
        Assert.Contains("/schedules", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_BadCronAndParameter_Returns400ListingBoth()
    {
        var (status, body) = await _api.PostAsync("/api/schedules", "olivia", new { workflow = "gated", cron = "daily", parameters = new { env = "qa" } });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var problems = body.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!).ToArray();
        Assert.Contains(problems, p => p.Contains("not a cron expression", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("parameter 'env'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Add_AsViewer_Returns403()
    {
        var (status, _) = await _api.PostAsync("/api/schedules", "victor", new { workflow = "gated", cron = "0 6 * * *", parameters = new { env = "dev" } });

        Assert.Equal(HttpStatusCode.Forbidden, status);
    }
}
