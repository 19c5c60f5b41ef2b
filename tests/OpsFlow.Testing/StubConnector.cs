using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpsFlow.Testing;

/// <summary>One call a host made to the stub connector, with the time it arrived.</summary>
public sealed record StubConnectorCall(DateTimeOffset At, string Method, string Path, string Body)
{
    /// <summary>A new message (a card or a text) in a conversation, rather than a reply or an update.</summary>
    public bool IsNewMessage => Method == "POST" && Path.EndsWith("/activities", StringComparison.Ordinal);

    public bool CarriesCard => Body.Contains("application/vnd.microsoft.card.adaptive", StringComparison.Ordinal);
}

/// <summary>
/// A Bot Connector on loopback for hosts in other processes (the activities' serviceUrl): it answers a new message or
/// a reply with 201 and a fresh activity id, an update with 200, a read with 404, and records every call.
/// </summary>
public sealed partial class StubConnector : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<StubConnectorCall> _calls = new();
    private int _next;

    private StubConnector(WebApplication app) => _app = app;

    /// <summary>The base URL, ending in a slash, to give activities as their serviceUrl.</summary>
    public string Url { get; private set; } = "";

    public IReadOnlyList<StubConnectorCall> Calls => [.. _calls];

    /// <summary>Every run card posted (one per POST), oldest first.</summary>
    public IReadOnlyList<StubConnectorCall> CardPosts => [.. _calls.Where(c => c.IsNewMessage && c.CarriesCard)];

    /// <summary>Every run card update (PUT), oldest first.</summary>
    public IReadOnlyList<StubConnectorCall> CardUpdates => [.. _calls.Where(c => c.Method == "PUT" && c.CarriesCard)];

    public static async Task<StubConnector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var stub = new StubConnector(app);
        app.Run(stub.AnswerAsync);
        await app.StartAsync();
        stub.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/";
        return stub;
    }

    /// <summary>The run a card shows: its summary reads "&lt;workflow&gt; run &lt;id&gt;: …". Null for other calls.</summary>
    public static string? RunOf(StubConnectorCall call) => RunId().Match(call.Body) is { Success: true } match ? match.Groups[1].Value : null;

    private async Task AnswerAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var method = context.Request.Method;
        _calls.Enqueue(new StubConnectorCall(TimeProvider.System.GetUtcNow(), method, context.Request.Path.Value ?? "", body));
        if (HttpMethods.IsGet(method))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var isPost = HttpMethods.IsPost(method);
        context.Response.StatusCode = isPost ? StatusCodes.Status201Created : StatusCodes.Status200OK;
        var id = isPost ? $"act-{Interlocked.Increment(ref _next)}" : context.Request.Path.Value!.Split('/')[^1];
        await context.Response.WriteAsJsonAsync(new JsonObject { ["id"] = id }, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [GeneratedRegex(" run ([0-9a-z]{10}):")]
    private static partial Regex RunId();
}
