using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OpsFlow.Testing;

/// <summary>An HTTP receiver on a free loopback port that keeps every POST (headers and body) it answers 200 to.</summary>
public sealed class WebhookSink : IAsyncDisposable
{
    private readonly Channel<(IReadOnlyDictionary<string, string> Headers, string Body)> _received = Channel.CreateUnbounded<(IReadOnlyDictionary<string, string>, string)>();
    private WebApplication _app = null!;

    public Uri Url { get; private set; } = null!;

    public static async Task<WebhookSink> StartAsync()
    {
        var sink = new WebhookSink();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var port = HostProcess.FreePort();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        sink._app = builder.Build();
        sink._app.MapPost("/hook", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            sink._received.Writer.TryWrite((request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body));
            return Results.Ok();
        });
        await sink._app.StartAsync();
        sink.Url = new Uri($"http://127.0.0.1:{port}/hook");
        return sink;
    }

    public async Task<(IReadOnlyDictionary<string, string> Headers, string Body)> NextAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            return await _received.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"No POST reached {Url} within {within}.");
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
