using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace OpsFlow.Playground.Tests;

/// <summary>
/// A message as the Playground's UI gets it: created or updated, with its id, text and card contents, and the
/// conversation it is in. The Playground streams only the conversations its current user (user-id-0) is in.
/// </summary>
public sealed record ChatMessage(string Action, string MessageId, string? Text, IReadOnlyList<JsonElement> Cards)
{
    public string? ConversationId { get; init; }

    /// <summary>Every string in the cards, joined: enough to ask "does this card say Succeeded".</summary>
    public string CardText => string.Join('\n', Cards.SelectMany(Strings));

    /// <summary>Whether the text or the cards hold <paramref name="text"/>, ignoring case.</summary>
    public bool Mentions(string text) =>
        (Text?.Contains(text, StringComparison.OrdinalIgnoreCase) ?? false) || CardText.Contains(text, StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        _ => [],
    };
}

/// <summary>
/// The Playground's event stream (the websocket its web UI listens on): every message the bot posts
/// (createMessage) and every in-place update (updateMessage), in order, so tests can wait for them and count them.
/// </summary>
public sealed class PlaygroundEvents : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly List<ChatMessage> _messages = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _reader = Task.CompletedTask;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<ChatMessage> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public static async Task<PlaygroundEvents> ConnectAsync(string playgroundUrl, CancellationToken cancellationToken)
    {
        var events = new PlaygroundEvents();
        var uri = new Uri(playgroundUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/_ws_conversation/v1/conversations/stream");
        await events._socket.ConnectAsync(uri, cancellationToken);
        events._reader = events.ReadAsync();
        return events;
    }

    /// <summary>The first message (created or updated) matching <paramref name="match"/>, waiting for it if needed.</summary>
    public async Task<ChatMessage> WaitForAsync(Func<ChatMessage, bool> match, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_messages)
            {
                if (_messages.FirstOrDefault(match) is { } hit)
                {
                    return hit;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                var seen = string.Join("\n", Messages.Select(m => $"  {m.Action} {m.MessageId}: {m.Text} {Shorten(m.CardText)}"));
                throw new TimeoutException($"no message {what} within {timeout}; the Playground showed:\n{seen}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _reader;
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // Stopping.
        }

        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        using var text = new MemoryStream();
        while (_socket.State == WebSocketState.Open)
        {
            var result = await _socket.ReceiveAsync(buffer, _stop.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            text.Write(buffer, 0, result.Count);
            if (!result.EndOfMessage)
            {
                continue;
            }

            var message = Parse(Encoding.UTF8.GetString(text.ToArray()));
            text.SetLength(0);
            if (message is null)
            {
                continue;
            }

            lock (_messages)
            {
                _messages.Add(message);
                var changed = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                changed.TrySetResult();
            }
        }
    }

    private static ChatMessage? Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (!root.TryGetProperty("action", out var action) || !root.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var cards = message.TryGetProperty("attachments", out var attachments) && attachments.ValueKind == JsonValueKind.Array
            ? attachments.EnumerateArray().Where(a => a.TryGetProperty("content", out _)).Select(a => a.GetProperty("content").Clone()).ToList()
            : [];
        return new ChatMessage(
            action.GetString() ?? string.Empty,
            message.TryGetProperty("messageId", out var id) ? id.ToString() : string.Empty,
            message.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString() : null,
            cards)
        {
            ConversationId = root.TryGetProperty("actionConversationId", out var conversation) && conversation.ValueKind == JsonValueKind.String ? conversation.GetString() : null,
        };
    }

    private static string Shorten(string text) => text.Length <= 200 ? text.ReplaceLineEndings(" ") : text[..200].ReplaceLineEndings(" ") + "…";
}
