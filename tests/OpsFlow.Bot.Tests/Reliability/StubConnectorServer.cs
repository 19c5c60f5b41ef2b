using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpsFlow.Bot.Tests.Reliability;

/// <summary>
/// A Bot Connector on loopback for a host in another process: it answers sends with a fresh activity id and
/// updates with 200, and records every call with the time it arrived.
/// </summary>
public sealed class StubConnectorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _next;

    private StubConnectorServer(WebApplication app) => _app = app;

    public ConcurrentQueue<(DateTimeOffset At, string Method, string Path, string Body)> Calls { get; } = new();

    public string Url { get; private set; } = "";

    public static async Task<StubConnectorServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var stub = new StubConnectorServer(app);
        app.Run(stub.AnswerAsync);
        await app.StartAsync();
        stub.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/";
        return stub;
    }

    private async Task AnswerAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        Calls.Enqueue((TimeProvider.System.GetUtcNow(), context.Request.Method, context.Request.Path.Value ?? "", body));
        if (HttpMethods.IsGet(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.StatusCode = HttpMethods.IsPost(context.Request.Method) ? StatusCodes.Status201Created : StatusCodes.Status200OK;
        var id = HttpMethods.IsPost(context.Request.Method) ? $"act-{Interlocked.Increment(ref _next)}" : context.Request.Path.Value!.Split('/')[^1];
        await context.Response.WriteAsJsonAsync(new JsonObject { ["id"] = id }, context.RequestAborted);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
