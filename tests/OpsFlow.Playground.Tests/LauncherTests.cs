using System.Globalization;
using Microsoft.Extensions.DependencyInjection;

namespace OpsFlow.Playground.Tests;

/// <summary>The host's own Playground (PlaygroundLauncher): started with the host when enabled, stopped with it.</summary>
[Trait(Categories.Name, Categories.Slow)]
public sealed class LauncherTests
{
    // The host starts the Playground's node process and npm on two shared cores.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    [BrowserFact]
    public async Task AnEnabledHost_StartsThePlaygroundAgainstItself_AndStopsItOnShutdown()
    {
        var port = PlaygroundHost.FreePort();
        var working = Path.Combine(Path.GetTempPath(), "opsflow-launcher-tests", Guid.NewGuid().ToString("n"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var ping = new Uri($"http://localhost:{port.ToString(CultureInfo.InvariantCulture)}/_debug/ping");
        var host = new PlaygroundHost(new Dictionary<string, string>
        {
            ["OpsFlow:Playground:Enabled"] = "true",
            ["OpsFlow:Playground:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["OpsFlow:Playground:PackagePath"] = Repository.PlaygroundPackage,
            ["OpsFlow:Playground:WorkingPath"] = working,
        });
        try
        {
            await Wait.UntilAsync(async () => await AnswersAsync(http, ping), "the host's Playground to answer its ping", within: StartTimeout, poll: TimeSpan.FromMilliseconds(250));
            var config = await new PlaygroundApi($"http://localhost:{port.ToString(CultureInfo.InvariantCulture)}").ConfigAsync();
            Assert.Equal("OpsFlow", config.BotName);
            Assert.True(File.Exists(Path.Combine(working, ".m365agentsplayground.yml")), "the mock users are written to the working folder");
        }
        finally
        {
            await host.DisposeAsync();
        }

        await Wait.UntilAsync(async () => !await AnswersAsync(http, ping), "the Playground to stop with the host", within: StartTimeout, poll: TimeSpan.FromMilliseconds(250));
        Directory.Delete(working, recursive: true);
    }

    [Fact]
    public async Task AHostWithATeamsAppId_DoesNotStartThePlayground()
    {
        var port = PlaygroundHost.FreePort();
        await using var host = new PlaygroundHost(new Dictionary<string, string>
        {
            ["OpsFlow:Playground:Enabled"] = "true",
            ["OpsFlow:Playground:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["OpsFlow:Playground:PackagePath"] = Repository.PlaygroundPackage,
            ["OpsFlow:Teams:AppId"] = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
            ["OpsFlow:Teams:AppPassword"] = "not-used",
        });
        var launcher = host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<OpsFlow.Bot.Playground.PlaygroundLauncher>().Single();

        await launcher.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(launcher.ExecuteTask.IsCompletedSuccessfully, "the launcher ends at once, without starting anything");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        Assert.False(await AnswersAsync(http, new Uri($"http://localhost:{port.ToString(CultureInfo.InvariantCulture)}/_debug/ping")), "no Playground listens");
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", "http://127.0.0.1:5080/api/messages")]
    [InlineData("http://0.0.0.0:5080", "http://127.0.0.1:5080/api/messages")]
    [InlineData("http://+:8080", "http://127.0.0.1:8080/api/messages")]
    [InlineData("http://[::]:5081", "http://127.0.0.1:5081/api/messages")]
    [InlineData("https://localhost:7443", null)]
    public void BotEndpoint_IsTheHostsHttpPortOnLoopback(string address, string? expected)
    {
        Assert.Equal(expected, OpsFlow.Bot.Playground.PlaygroundLauncher.BotEndpoint([address]));
    }

    private static async Task<bool> AnswersAsync(HttpClient http, Uri ping)
    {
        try
        {
            using var response = await http.GetAsync(ping);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
