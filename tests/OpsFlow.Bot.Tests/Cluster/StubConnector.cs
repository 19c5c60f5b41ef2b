using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace OpsFlow.Bot.Tests.Cluster;

/// <summary>
/// A stand-in for the Bot Connector both hosts post their cards to (the activities' serviceUrl): it records every
/// new message (POST) and update (PUT) and gives each new message an id, as the real one does.
/// </summary>
public sealed partial class StubConnector : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _next;

    private StubConnector(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    /// <summary>Run ids of every card posted (one entry per POST of a run's card).</summary>
    public ConcurrentQueue<string> CardPosts { get; } = new();

    public ConcurrentQueue<string> CardUpdates { get; } = new();

    public static async Task<StubConnector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var stub = new StubConnector(app);
        app.MapPost("/v3/conversations/{conversation}/activities", async (HttpRequest request) =>
        {
            var body = await new StreamReader(request.Body).ReadToEndAsync();
            if (CardOf().Match(body) is { Success: true } card)
            {
                stub.CardPosts.Enqueue(card.Groups[1].Value);
            }

            return Results.Json(new { id = $"activity-{Interlocked.Increment(ref stub._next)}" }, statusCode: 201);
        });
        app.MapPost("/v3/conversations/{conversation}/activities/{replyTo}", () => Results.Json(new { id = $"reply-{Interlocked.Increment(ref stub._next)}" }, statusCode: 201));
        app.MapPut("/v3/conversations/{conversation}/activities/{id}", async (HttpRequest request) =>
        {
            var body = await new StreamReader(request.Body).ReadToEndAsync();
            if (CardOf().Match(body) is { Success: true } card)
            {
                stub.CardUpdates.Enqueue(card.Groups[1].Value);
            }

            return Results.Json(new { id = "updated" });
        });
        await app.StartAsync();
        stub.Url = app.Urls.First();
        return stub;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>A run card says "&lt;workflow&gt; run &lt;id&gt;: …" in its summary.</summary>
    [GeneratedRegex("clustered run ([0-9a-z]{10})")]
    private static partial Regex CardOf();
}
