using System.Net;

namespace OpsFlow.Bot.Tests.Security;

/// <summary>A host that keeps one live event stream open at most.</summary>
public sealed class OneStreamFactory : OpsFlowFactory
{
    protected override void AddSettings(IDictionary<string, string> settings) => settings["OpsFlow:Api:MaxEventStreams"] = "1";
}

/// <summary>docs/security.md, "Bounds": live views are capped; past the cap the page reads instead of streaming.</summary>
public sealed class EventStreamBoundTests(OneStreamFactory factory) : IClassFixture<OneStreamFactory>
{
    [Fact]
    public async Task PastTheCap_AStreamIs503WithRetryAfter_AndAClosedStreamFreesItsPlace()
    {
        var api = new ApiClient(factory.CreateClient(), factory.RunChanged);
        var (_, started) = await api.PostAsync("/api/runs", "olivia", new { workflow = "gated", parameters = new { env = "dev" } });
        var id = started.GetProperty("run").GetProperty("id").GetString()!;
        await api.WaitForStatusAsync(id, "WaitingForApproval");
        var http = factory.CreateClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var open = await http.GetAsync($"/api/runs/{id}/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using (var refused = await http.GetAsync($"/api/runs/{id}/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token))
        {
            Assert.Equal(HttpStatusCode.OK, open.StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(30), refused.Headers.RetryAfter?.Delta);
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/runs/{id}", "olivia")).Status);
        }

        open.Dispose();
        await Wait.UntilAsync(async () =>
        {
            using var again = await http.GetAsync($"/api/runs/{id}/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return again.StatusCode == HttpStatusCode.OK;
        }, "a place freed by the closed stream", factory.RunChanged, poll: TimeSpan.FromMilliseconds(50));
    }
}
