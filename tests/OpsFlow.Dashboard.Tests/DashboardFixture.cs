using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace OpsFlow.Dashboard.Tests;

/// <summary>One host and one browser for every dashboard test: starting them is most of the suite's time.</summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public DashboardHost Host { get; } = new();

    public Browser Browser { get; } = new();

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Http = new HttpClient { BaseAddress = new Uri(Host.BaseUrl) };
        // Two shared cores run the build, the host and Chromium at once; 5 s (Playwright's default) proved too short there.
        Microsoft.Playwright.Assertions.SetDefaultExpectTimeout(15_000);
        await Browser.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        // Steps still waiting on a test's gate end first, so the host stops without waiting out its grace period.
        Host.ReleaseAll();
        await Browser.DisposeAsync();
        Http.Dispose();
        await Host.DisposeAsync();
    }

    public async Task<string> StartAsync(string user, string workflow, object parameters)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/runs") { Content = JsonContent.Create(new { workflow, parameters }) };
        request.Headers.Add("X-OpsFlow-User", user);
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        return body.GetProperty("run").GetProperty("id").GetString()!;
    }

    public async Task<string> StatusAsync(string runId)
    {
        var body = await Http.GetFromJsonAsync<JsonElement>($"/api/runs/{runId}");
        return body.GetProperty("run").GetProperty("status").GetString()!;
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "dashboard";
}
