using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Bot.Api;

/// <summary>
/// GET /api/runs/{id}/events: the run as Server-Sent Events. Each event carries the whole run exactly as
/// GET /api/runs/{id} answers it, so a page renders events and plain reads the same way. This host's engine says
/// when the run changed; with several hosts the run may be executing on another, whose changes this engine never
/// sees, so the stream also looks at the run's version in the database every <see cref="SharedPoll"/>.
/// </summary>
internal static class RunEventEndpoints
{
    /// <summary>A comment this often keeps proxies and browsers from closing a quiet stream.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>Several hosts: how often a stream re-reads a run that may be executing on another host.</summary>
    public static readonly TimeSpan SharedPoll = TimeSpan.FromSeconds(1);

    private static readonly byte[] KeepAliveComment = Encoding.UTF8.GetBytes(": keep-alive\n\n");

    public static void MapRunEventEndpoints(this RouteGroupBuilder api) => api.MapGet("/runs/{id}/events", StreamAsync);

    private static async Task StreamAsync(string id, HttpContext http, IRunStore store, RunEventHub hub, IOptions<JsonOptions> json, TimeProvider clock)
    {
        var cancellationToken = http.RequestAborted;
        var shared = http.RequestServices.GetService<IRunOwnership>()?.IsShared == true;
        // Subscribe before the first read, so that a change committed in between is not missed.
        using var subscription = hub.Subscribe(id);
        var details = await ReadAsync(store, id, cancellationToken);
        if (details is null)
        {
            await RunEndpoints.Problem(StatusCodes.Status404NotFound, $"There is no run '{id}'. GET /api/runs lists recent runs.").ExecuteAsync(http);
            return;
        }

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        try
        {
            await WriteAsync(http, details, json.Value.SerializerOptions, cancellationToken);
            var sent = details.Run.Version;
            var lastWrite = clock.GetUtcNow();
            var changes = subscription.Changed.Reader;
            Task<bool>? changed = null;
            while (!StateMachine.IsTerminal(details.Run.Status))
            {
                changed ??= changes.WaitToReadAsync(cancellationToken).AsTask();
                if (await WaitAsync(changed, shared ? SharedPoll : KeepAlive, clock, cancellationToken))
                {
                    changed = null;
                    changes.TryRead(out _);
                }
                else if (!shared || (await store.GetRunAsync(id, cancellationToken))?.Version == sent)
                {
                    if (clock.GetUtcNow() - lastWrite >= KeepAlive)
                    {
                        await http.Response.Body.WriteAsync(KeepAliveComment, cancellationToken);
                        await http.Response.Body.FlushAsync(cancellationToken);
                        lastWrite = clock.GetUtcNow();
                    }

                    continue;
                }

                details = await ReadAsync(store, id, cancellationToken);
                if (details is null)
                {
                    return;
                }

                // A change already shown (read right after subscribing) is not sent twice.
                if (details.Run.Version != sent)
                {
                    sent = details.Run.Version;
                    await WriteAsync(http, details, json.Value.SerializerOptions, cancellationToken);
                    lastWrite = clock.GetUtcNow();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The viewer left.
        }
    }

    /// <summary>True when this host's engine announced a change; false when <paramref name="wait"/> passed first.</summary>
    private static async Task<bool> WaitAsync(Task<bool> changed, TimeSpan wait, TimeProvider clock, CancellationToken cancellationToken)
    {
        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var beat = Task.Delay(wait, clock, quiet.Token);
        if (await Task.WhenAny(changed, beat) == beat)
        {
            await beat;
            return false;
        }

        await quiet.CancelAsync();
        await changed;
        return true;
    }

    private static async Task<RunDetails?> ReadAsync(IRunStore store, string id, CancellationToken cancellationToken)
    {
        var run = await store.GetRunAsync(id, cancellationToken);
        return run is null ? null
            : new RunDetails(run, await store.GetStepsAsync(id, cancellationToken), await store.GetHistoryAsync(id, cancellationToken));
    }

    private static async Task WriteAsync(HttpContext http, RunDetails details, JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        // Serialized JSON has no raw line breaks (they are escaped inside strings), so one data line holds it all.
        var payload = $"event: run\ndata: {JsonSerializer.Serialize(details, options)}\n\n";
        await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(payload), cancellationToken);
        await http.Response.Body.FlushAsync(cancellationToken);
    }
}
