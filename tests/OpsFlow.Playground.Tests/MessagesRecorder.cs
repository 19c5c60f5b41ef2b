using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace OpsFlow.Playground.Tests;

/// <summary>One request the Playground made to the bot endpoint, and the host's answer.</summary>
public sealed record BotRequest(string? Type, string? Name, string? ConversationId, string? FromId, int Status);

/// <summary>
/// Sees every POST /api/messages in front of the host's own pipeline: what the Playground sent (activity type,
/// conversation, user) and the status the host answered, so a test can tell "the bot got it" from "the UI shows it".
/// </summary>
public sealed class MessagesRecorder : IStartupFilter
{
    private readonly ConcurrentQueue<BotRequest> _requests = new();

    public IReadOnlyList<BotRequest> Requests => [.. _requests];

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            if (!HttpMethods.IsPost(context.Request.Method) || context.Request.Path != "/api/messages")
            {
                await nextMiddleware(context);
                return;
            }

            context.Request.EnableBuffering();
            string? type = null, name = null, conversation = null, from = null;
            try
            {
                using var json = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
                var root = json.RootElement;
                type = Text(root, "type");
                name = Text(root, "name");
                conversation = root.TryGetProperty("conversation", out var c) ? Text(c, "id") : null;
                from = root.TryGetProperty("from", out var f) ? Text(f, "id") : null;
            }
            catch (JsonException)
            {
                // The host answers bad JSON itself; the recorder only notes the status.
            }

            context.Request.Body.Position = 0;
            await nextMiddleware(context);
            _requests.Enqueue(new BotRequest(type, name, conversation, from, context.Response.StatusCode));
        });
        next(app);
    };

    private static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
