using System.Buffers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using OpsFlow.Teams.Auth;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Inbound;

/// <summary>
/// POST /api/messages, the bot's endpoint (docs/product.md §8). It answers fast: messages and install events are written
/// to the inbox and handled in the background; only a card button (invoke) is handled while the client waits,
/// because its answer is the card that replaces the pressed one. Bad input is a 4xx, never a 500.
/// </summary>
public static class MessagesEndpoint
{
    public const string Route = "/api/messages";

    /// <summary>How long a channel is asked to wait before it delivers again an activity refused while the inbox is full.</summary>
    private const string RetryAfterSeconds = "5";

    public static IEndpointConventionBuilder MapOpsFlowMessages(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost(Route, HandleAsync).DisableAntiforgery();

    private static async Task<IResult> HandleAsync(
        HttpContext http,
        TeamsOptions options,
        IInboundAuthenticator authenticator,
        ActivityGate gate,
        ConversationDirectory conversations,
        ActivityInbox inbox,
        IChatHandler handler,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(MessagesEndpoint).FullName!);
        var (body, tooLarge) = await ReadBodyAsync(http.Request, options.MaxActivityBytes, cancellationToken);
        if (tooLarge)
        {
            Log.Rejected(logger, StatusCodes.Status413PayloadTooLarge, $"body over {options.MaxActivityBytes} bytes");
            return Results.Problem($"The activity is larger than {options.MaxActivityBytes} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        var (activity, problem) = ActivityReader.Parse(body);
        if (activity is null)
        {
            Log.Rejected(logger, StatusCodes.Status400BadRequest, problem!);
            return Results.Problem(problem, statusCode: StatusCodes.Status400BadRequest);
        }

        var verdict = await authenticator.AuthenticateAsync(http.Request.Headers.Authorization.ToString(), activity, cancellationToken);
        if (!verdict.Succeeded)
        {
            Log.Unauthenticated(logger, activity.Type, activity.ServiceUrl, verdict.Reason ?? "refused");
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Problem("The request's token was refused.", statusCode: StatusCodes.Status401Unauthorized);
        }

        if (gate.Refusal(activity) is { } notServed)
        {
            // Authenticated but not for this bot to serve: refused before anything is stored or answered.
            Log.NotServed(logger, activity.Type, activity.From?.Id, activity.Conversation?.Id, notServed);
            return Results.Problem($"This bot does not serve the activity: {notServed}.", statusCode: StatusCodes.Status403Forbidden);
        }

        var conversation = await conversations.RememberAsync(activity, cancellationToken);
        switch (activity.Type)
        {
            case ActivityTypes.Invoke when activity.Name == ActivityTypes.AdaptiveCardAction:
                return Results.Json(await InvokeAsync(handler, new Turn(activity, conversation), options, logger, cancellationToken), ProtocolJson.Options);
            case ActivityTypes.Message or ActivityTypes.ConversationUpdate or ActivityTypes.InstallationUpdate when inbox.IsFull:
                // Teams delivers again after a 503, so nothing is lost; the host does not grow without bound.
                Log.Rejected(logger, StatusCodes.Status503ServiceUnavailable, $"{options.MaxQueuedActivities} activities are waiting to be handled");
                http.Response.Headers.RetryAfter = RetryAfterSeconds;
                return Results.Problem("OpsFlow is busy handling earlier activities; deliver this one again shortly.", statusCode: StatusCodes.Status503ServiceUnavailable);
            case ActivityTypes.Message or ActivityTypes.ConversationUpdate or ActivityTypes.InstallationUpdate:
                var accepted = await inbox.AcceptAsync(activity, body, cancellationToken);
                if (!accepted)
                {
                    Log.Duplicate(logger, activity.Type!, activity.Id);
                }

                return Results.Ok();
            default:
                Log.Ignored(logger, activity.Type!, activity.Name);
                return Results.Ok();
        }
    }

    private static async Task<InvokeResponse> InvokeAsync(IChatHandler handler, Turn turn, TeamsOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.InvokeTimeout);
        try
        {
            return await handler.OnCardActionAsync(turn, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Log.InvokeTimedOut(logger, turn.Activity.Id, options.InvokeTimeout);
            return InvokeResponse.Message("OpsFlow is still working on that. The card updates when it is done; if it does not, press the button again.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.InvokeFailed(logger, ex, turn.Activity.Id);
            return InvokeResponse.Message("Something went wrong on the OpsFlow server; it is logged. Try again, or use the dashboard.");
        }
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes; more than that is refused without buffering it all.</summary>
    private static async Task<(byte[] Body, bool TooLarge)> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return ([], true);
        }

        var buffer = new ArrayBufferWriter<byte>(Math.Min(limit, 16 * 1024));
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            var read = await request.Body.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                return (buffer.WrittenSpan.ToArray(), false);
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                return ([], true);
            }
        }
    }
}
