using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpsFlow.Playground.Tests;

/// <summary>The Playground's mock tenant: the bot, the UI's user, the other users and the chats (GET /_internal/v1/config).</summary>
public sealed record PlaygroundConfig(string BotId, string BotName, string CurrentUserId, IReadOnlyList<string> OtherUserIds, string PersonalChatId, string GroupChatId);

/// <summary>
/// The Playground's HTTP API, as its web UI uses it. The UI always acts as the current user (user-id-0); this is
/// how a test acts as someone else in the group chat or a channel: send a message, press a card button.
/// </summary>
public sealed class PlaygroundApi(string playgroundUrl) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(playgroundUrl), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The tenant as first read: it never changes while the Playground runs.</summary>
    private PlaygroundConfig? _config;

    public async Task<PlaygroundConfig> ConfigAsync()
    {
        var config = (await _http.GetFromJsonAsync<JsonElement>("/_internal/v1/config")).GetProperty("config");
        var bot = config.GetProperty("bot");
        return _config = new PlaygroundConfig(
            bot.GetProperty("id").GetString()!,
            bot.GetProperty("name").GetString()!,
            config.GetProperty("currentUser").GetProperty("id").GetString()!,
            config.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("id").GetString()!).ToList(),
            config.GetProperty("personalChat").GetProperty("id").GetString()!,
            config.GetProperty("groupChats")[0].GetProperty("id").GetString()!);
    }

    /// <summary>
    /// Sends <paramref name="text"/> as <paramref name="userId"/>. In a group chat or channel Teams delivers a message to
    /// a bot only when it @mentions it, so <paramref name="mentionBot"/> puts the mention in front, as the UI does.
    /// </summary>
    public async Task SendAsAsync(string userId, string conversationId, string text, bool mentionBot)
    {
        // Read once: the Playground answered a later read of its configuration with a 500 once, mid-suite, while its
        // web UI was in use in another page (CI of the 8th stop, 6 December).
        var config = _config ?? await ConfigAsync();
        var mention = $"<at>{config.BotName}</at>";
        var body = new JsonObject
        {
            ["type"] = "text",
            ["text"] = mentionBot ? $"{mention} {text}" : text,
            ["textFormat"] = "plain",
            ["from"] = new JsonObject { ["id"] = userId },
        };
        if (mentionBot)
        {
            body["mentions"] = new JsonArray(new JsonObject
            {
                ["type"] = "mention",
                ["text"] = mention,
                ["mentioned"] = new JsonObject { ["id"] = config.BotId, ["name"] = config.BotName },
            });
        }

        await PostAsync($"/_conversation/v1/conversations/{Uri.EscapeDataString(conversationId)}/messages", body);
    }

    /// <summary>
    /// Presses the card button titled <paramref name="buttonTitle"/> on <paramref name="card"/> as <paramref name="userId"/>
    /// (an Action.Execute: the bot gets an adaptiveCard/action invoke). Returns the bot's invoke response.
    /// </summary>
    public async Task<JsonElement> PressAsAsync(string userId, string conversationId, ChatMessage card, string buttonTitle)
    {
        var action = FindAction(card, buttonTitle)
            ?? throw new InvalidOperationException($"the card {card.MessageId} has no button '{buttonTitle}': {card.CardText}");
        var body = new JsonObject
        {
            ["name"] = "adaptiveCard/action",
            ["from"] = new JsonObject { ["id"] = userId },
            ["conversation"] = new JsonObject { ["id"] = conversationId },
            ["replyToId"] = card.MessageId,
            ["value"] = new JsonObject
            {
                ["action"] = new JsonObject
                {
                    ["type"] = "Action.Execute",
                    ["title"] = buttonTitle,
                    ["verb"] = action.TryGetProperty("verb", out var verb) ? verb.GetString() : null,
                    ["data"] = action.TryGetProperty("data", out var data) ? JsonNode.Parse(data.GetRawText()) : new JsonObject(),
                },
            },
        };
        return await PostAsync("/_conversation/v1/invoke", body);
    }

    /// <summary>The Action.Execute titled <paramref name="title"/> anywhere in the card (actions, action sets, cards in cards).</summary>
    public static JsonElement? FindAction(ChatMessage card, string title)
    {
        foreach (var content in card.Cards)
        {
            if (Find(content, title) is { } hit)
            {
                return hit;
            }
        }

        return null;
    }

    public void Dispose() => _http.Dispose();

    private static JsonElement? Find(JsonElement element, string title)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            if (element.TryGetProperty("type", out var type) && type.GetString() == "Action.Execute"
                && element.TryGetProperty("title", out var t) && t.GetString() == title)
            {
                return element;
            }

            foreach (var property in element.EnumerateObject())
            {
                if (Find(property.Value, title) is { } hit)
                {
                    return hit;
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                if (Find(item, title) is { } hit)
                {
                    return hit;
                }
            }
        }

        return null;
    }

    private async Task<JsonElement> PostAsync(string path, JsonObject body)
    {
        using var response = await _http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path} -> {(int)response.StatusCode} {text}");
        return string.IsNullOrWhiteSpace(text) ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
