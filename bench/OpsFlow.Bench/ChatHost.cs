extern alias bot;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpsFlow.Teams.Connector;

namespace OpsFlow.Bench;

/// <summary>
/// The real host (WebApplicationFactory, no network) with its connector answering from <see cref="FirstCards"/>,
/// which notes when the first card of each conversation arrives. The bot's work is all real: the endpoint, the inbox,
/// the command, the engine on SQLite, the script, the run card and the connector client.
/// </summary>
internal sealed class ChatHost : WebApplicationFactory<bot::Program>
{
    private readonly string _folder;

    public ChatHost(string folder)
    {
        _folder = folder;
        // WebApplicationFactory looks for the host's content root beside a test project; the bench has none.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_OPSFLOW_BOT", folder);
    }

    public FirstCards Cards { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:OpsFlow", $"Data Source={Path.Combine(_folder, "opsflow.db")}");
        // Steps a test leaves running are cancelled at once when its host stops, as before graceful stops existed.
        builder.UseSetting("OpsFlow:Engine:ShutdownGracePeriod", "00:00:00");
        builder.UseSetting("OpsFlow:WorkflowsPath", Path.Combine(_folder, "workflows"));
        builder.UseSetting("OpsFlow:Scripts:CachePath", Path.Combine(_folder, "script-cache"));
        builder.UseSetting("OpsFlow:Scripts:DataPath", Path.Combine(_folder, "workflow-data"));
        builder.UseSetting("OpsFlow:DataProtection:KeysPath", Path.Combine(_folder, "keys"));
        // The benchmark is one person sending hundreds of commands: it measures the chat path, not the rate limit.
        builder.UseSetting("OpsFlow:Teams:CommandsPerUserPerMinute", "100000");
        builder.UseSetting("OpsFlow:Teams:CommandsPerConversationPerMinute", "100000");
        // The stand-in connector answers for a Teams-like host; it is allow-listed as an operator would list their own.
        builder.UseSetting("OpsFlow:Teams:ServiceUrls:0", "https://smba.example/");
        builder.UseSetting("OpsFlow:Scripts:Watch", "false");
        builder.UseSetting("OpsFlow:Access:Roles:operator:0", "bench-user");
        builder.UseSetting("OpsFlow:Playground:Enabled", "false");
        builder.UseSetting("Serilog:MinimumLevel:Default", Environment.GetEnvironmentVariable("OPSFLOW_BENCH_LOG") ?? "Warning");
        builder.ConfigureTestServices(services =>
            services.AddHttpClient<IConnectorClient, ConnectorClient>().ConfigurePrimaryHttpMessageHandler(() => Cards));
    }

    /// <summary>Posts "/deploy …" as a Teams message and returns how long until its run's first card reached the connector.</summary>
    public async Task<double> DeployAsync(HttpClient client, int n)
    {
        var conversation = $"19:bench-{n}@thread.tacv2";
        var arrived = Cards.Expect(conversation);
        var began = Stopwatch.GetTimestamp();
        using var response = await client.PostAsync("/api/messages", JsonContent.Create(Message(conversation, n, $"/deploy app-{n} v1.2 prod")));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"/api/messages answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        var at = await arrived.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return Stopwatch.GetElapsedTime(began, at).TotalMilliseconds;
    }

    private static JsonObject Message(string conversation, int n, string text) => new()
    {
        ["type"] = "message",
        ["id"] = $"bench-{n}",
        ["serviceUrl"] = "https://smba.example/emea/",
        ["channelId"] = "msteams",
        ["from"] = new JsonObject { ["id"] = "bench-user", ["name"] = "Bench User" },
        ["conversation"] = new JsonObject { ["id"] = conversation, ["conversationType"] = "channel" },
        ["recipient"] = new JsonObject { ["id"] = "28:opsflow", ["name"] = "OpsFlow" },
        ["text"] = text,
    };
}

/// <summary>A connector stand-in that answers every call and timestamps the first card per conversation.</summary>
internal sealed class FirstCards : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _expected = new(StringComparer.Ordinal);
    private int _next;

    public TaskCompletionSource<long> Expect(string conversation) =>
        _expected.GetOrAdd(conversation, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var now = Stopwatch.GetTimestamp();
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var path = Uri.UnescapeDataString(request.RequestUri!.AbsolutePath);
        if (request.Method == HttpMethod.Post && body.Contains("\"attachments\"", StringComparison.Ordinal))
        {
            var segments = path.Split('/');
            var conversation = segments[Array.IndexOf(segments, "conversations") + 1];
            if (_expected.TryGetValue(conversation, out var waiter))
            {
                waiter.TrySetResult(now);
            }
        }

        var id = $"activity-{Interlocked.Increment(ref _next)}";
        return new HttpResponseMessage(request.Method == HttpMethod.Post ? HttpStatusCode.Created : HttpStatusCode.OK)
        {
            Content = new StringContent($"{{\"id\":\"{id}\"}}", Encoding.UTF8, "application/json"),
        };
    }
}
