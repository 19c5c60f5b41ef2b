using ActivityContext = System.Diagnostics.ActivityContext;
using ActivityKind = System.Diagnostics.ActivityKind;
using ActivityLink = System.Diagnostics.ActivityLink;
using ActivityStatusCode = System.Diagnostics.ActivityStatusCode;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpsFlow.Teams.Connector;
using OpsFlow.Chat;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Inbound;

/// <summary>
/// Handles inbox activities in the background, a few at a time, each under its own timeout. At start it first
/// handles what an earlier process accepted but did not finish; anything older than <see cref="ReplayWindow"/>
/// is dropped with a log line, because a command typed long ago should not suddenly run.
/// </summary>
public sealed class ActivityProcessor(
    ActivityInbox inbox,
    IChatStore store,
    IChatHandler handler,
    ConversationDirectory conversations,
    IConnectorClient connector,
    TeamsOptions options,
    TimeProvider clock,
    ILogger<ActivityProcessor> logger,
    TeamsTelemetry? telemetry = null) : BackgroundService
{
    private readonly TeamsTelemetry _telemetry = telemetry ?? TeamsTelemetry.Unregistered;

    public static readonly TimeSpan ReplayWindow = TimeSpan.FromMinutes(15);
    private const int Parallelism = 4;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await ReplayAsync(stoppingToken);
        using var slots = new SemaphoreSlim(Parallelism);
        var running = new List<Task>();
        try
        {
            await foreach (var queued in inbox.Reader.ReadAllAsync(stoppingToken))
            {
                await slots.WaitAsync(stoppingToken);
                running.RemoveAll(t => t.IsCompleted);
                running.Add(Task.Run(async () =>
                {
                    try
                    {
                        await HandleAsync(queued.Inbound, stoppingToken, queued.Delivery);
                    }
                    finally
                    {
                        slots.Release();
                    }
                }, CancellationToken.None));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: unfinished activities stay pending in the store and are handled after the restart.
        }

        await Task.WhenAll(running);
    }

    private async Task ReplayAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        foreach (var pending in await store.GetPendingAsync(now - options.InboxRetention, cancellationToken))
        {
            if (now - pending.ReceivedAt > ReplayWindow)
            {
                Log.DroppedStale(logger, pending.Key, pending.ReceivedAt);
                await store.CompleteAsync(pending.Key, now, cancellationToken);
                continue;
            }

            Log.Replaying(logger, pending.Key);
            inbox.Requeue(pending);
        }

        var pruned = await store.PruneAsync(now - options.InboxRetention, cancellationToken);
        if (pruned > 0)
        {
            Log.Pruned(logger, pruned);
        }
    }

    /// <summary>Handles one activity; whatever happens, it is marked done, so a poisonous one cannot loop forever.</summary>
    internal async Task HandleAsync(InboundActivity inbound, CancellationToken stoppingToken, ActivityContext delivery = default)
    {
        var activity = JsonSerializer.Deserialize<Activity>(inbound.Json, ProtocolJson.Options)!;
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["ActivityId"] = activity.Id, ["ConversationId"] = activity.Conversation?.Id });
        // A trace of its own (the HTTP request answered long ago), linked to the delivery; a run it starts links here.
        using var span = TeamsTelemetry.Source.StartActivity(
            ActivityKind.Consumer, parentContext: default, links: delivery == default ? null : [new ActivityLink(delivery)], name: $"chat {activity.Type}");
        span?.SetTag("opsflow.activity.id", activity.Id).SetTag("opsflow.activity.type", activity.Type).SetTag("opsflow.conversation.type", activity.Conversation?.ConversationType);
        var outcome = "handled";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(options.ProcessingTimeout);
        Turn? turn = null;
        try
        {
            turn = new Turn(activity, await conversations.RememberAsync(activity, timeout.Token));
            switch (activity.Type)
            {
                case ActivityTypes.Message:
                    await handler.OnMessageAsync(turn, timeout.Token);
                    break;
                default:
                    await handler.OnInstalledAsync(turn, timeout.Token);
                    break;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Left pending: handled again after the restart.
            span?.SetTag("opsflow.outcome", "interrupted");
            return;
        }
        catch (Exception ex)
        {
            var timedOut = ex is OperationCanceledException;
            outcome = timedOut ? "timed_out" : "failed";
            span?.SetStatus(ActivityStatusCode.Error, outcome);
            Log.HandlingFailed(logger, ex, activity.Type, timedOut);
            await TellAsync(turn, timedOut
                ? $"That took longer than {options.ProcessingTimeout.TotalSeconds:0} s and was stopped. Check /runs before trying again."
                : "Something went wrong on the OpsFlow server while handling that; it is logged. Try again, or use the dashboard.", stoppingToken);
        }

        span?.SetTag("opsflow.outcome", outcome);
        _telemetry.ActivityHandled(activity.Type ?? "unknown", outcome);
        // The host's slot is freed before the store records the activity handled: whoever sees it handled there (a
        // test's quiescence, an operator) then finds room for the next one. The other order left a moment in which
        // the store said "done" while the host still answered 503 "full" (InboxBoundTests failed on it once), and
        // leaked the slot for good when the store write threw. A crash in between leaves the activity pending in the
        // store, handled again after the restart, as a crash before it would.
        inbox.Done(inbound.Key);
        try
        {
            await store.CompleteAsync(inbound.Key, clock.GetUtcNow(), CancellationToken.None);
        }
        finally
        {
            inbox.Recorded(inbound.Key);
        }
    }

    private async Task TellAsync(Turn? turn, string text, CancellationToken cancellationToken)
    {
        if (turn is null || turn.Activity.Type != ActivityTypes.Message)
        {
            return;
        }

        try
        {
            await connector.SendAsync(turn.Conversation, Outgoing.Text(turn.Conversation, text), cancellationToken);
        }
        catch (Exception ex) when (ex is ConnectorException or HttpRequestException or OperationCanceledException)
        {
            Log.ReplyFailed(logger, ex);
        }
    }
}
