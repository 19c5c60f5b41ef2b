using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.HttpResults;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Engine.Reports;

namespace OpsFlow.Bot.Api;

/// <summary>
/// GET /api/runs/{id}/events: the run as Server-Sent Events. Each event carries the whole run exactly as
/// GET /api/runs/{id} answers it, so a page renders events and plain reads the same way. This host's engine says
/// when the run changed; with several hosts the run may be executing on another, whose changes this engine never
/// sees, so one watch per viewed run (<see cref="SharedRunFeed"/>) looks at its version in the database for all its
/// viewers. ASP.NET Core's ServerSentEventsResult writes the stream (headers, framing, no buffering, JSON with the
/// API's options).
/// </summary>
internal static class RunEventEndpoints
{
    /// <summary>A comment this often keeps proxies and browsers from closing a quiet stream.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>The event a quiet stream sends; a page listens to "run" events only, so it never sees these.</summary>
    public const string KeepAliveEvent = "keep-alive";

    public static void MapRunEventEndpoints(this RouteGroupBuilder api) => api.MapGet("/runs/{id}/events", OpenAsync);

    private static async Task<Results<ServerSentEventsResult<RunDetails?>, ProblemHttpResult>> OpenAsync(
        string id, HttpContext http, IRunStore store, RunEventHub hub, OpsFlow.Bot.Dashboard.RunGraphDefinitions definitions, FailureRecurrences recurrences, TimeProvider clock)
    {
        var cancellationToken = http.RequestAborted;
        // Subscribe before the first read, so that a change committed in between is not missed.
        if (hub.TrySubscribe(id) is not { } subscription)
        {
            // Every stream costs a connection and, with several hosts, a read a second: the page reads instead.
            http.Response.Headers.RetryAfter = "30";
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                detail: "This host has as many live views open as it allows (OpsFlow:Api:MaxEventStreams); read GET /api/runs/{id} instead, or try again later.");
        }

        var details = await ReadAsync(store, definitions, recurrences, id, cancellationToken);
        if (details is null)
        {
            subscription.Dispose();
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"There is no run '{id}'. GET /api/runs lists recent runs.");
        }

        return TypedResults.ServerSentEvents(StreamAsync(subscription, details, store, definitions, recurrences, clock, cancellationToken));
    }

    /// <summary>The run now, then after every change it sees, until the run is terminal or the viewer leaves.</summary>
    private static async IAsyncEnumerable<SseItem<RunDetails?>> StreamAsync(
        RunEventHub.Subscription subscription, RunDetails details, IRunStore store, OpsFlow.Bot.Dashboard.RunGraphDefinitions definitions, FailureRecurrences recurrences, TimeProvider clock,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var owned = subscription;
        yield return Run(details);
        var id = details.Run.Id;
        var sent = details.Run.Version;
        var lastWrite = clock.GetUtcNow();
        var changes = subscription.Changed.Reader;
        Task<bool>? changed = null;
        while (!StateMachine.IsTerminal(details.Run.Status))
        {
            changed ??= changes.WaitToReadAsync(cancellationToken).AsTask();
            if (await WaitAsync(changed, KeepAlive, clock, cancellationToken))
            {
                changed = null;
                changes.TryRead(out _);
            }
            else
            {
                if (clock.GetUtcNow() - lastWrite >= KeepAlive)
                {
                    yield return new SseItem<RunDetails?>(null, KeepAliveEvent);
                    lastWrite = clock.GetUtcNow();
                }

                continue;
            }

            if (await ReadAsync(store, definitions, recurrences, id, cancellationToken) is not { } read)
            {
                yield break;
            }

            details = read;
            // A change already shown (read right after subscribing) is not sent twice.
            if (details.Run.Version != sent)
            {
                sent = details.Run.Version;
                yield return Run(details);
                lastWrite = clock.GetUtcNow();
            }
        }
    }

    private static SseItem<RunDetails?> Run(RunDetails details) => new(details, "run");

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

    private static async Task<RunDetails?> ReadAsync(IRunStore store, OpsFlow.Bot.Dashboard.RunGraphDefinitions definitions, FailureRecurrences recurrences, string id, CancellationToken cancellationToken) =>
        await RunDetailsReader.ReadAsync(store, id, cancellationToken) is { } details ? await RunDetailsReader.CompleteAsync(details, definitions, recurrences, cancellationToken) : null;
}
