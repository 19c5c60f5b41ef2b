using System.Text.Json.Nodes;

namespace OpsFlow.Teams.Tests.Integration;

/// <summary>
/// Activities shaped as Teams sends them (ids, tenant, channelData, clientInfo entity, @mention of the bot), built
/// as JSON so the tests post exactly what the wire carries, unknown fields included.
/// </summary>
public static class ActivityJson
{
    public const string ServiceUrl = "https://smba.trafficmanager.net/emea/";
    public const string BotId = "28:opsflow-bot";
    public const string BotName = "OpsFlow";
    public const string Channel = "19:ops-channel@thread.tacv2";
    public const string Tenant = "tenant-ops";

    private static int _next;

    public static string NextId() => $"1700000{Interlocked.Increment(ref _next):D6}";

    /// <summary>A message in <paramref name="conversation"/> from <paramref name="user"/>, @mentioning the bot in a channel.</summary>
    public static JsonObject Message(string text, string user, string? id = null, string conversation = Channel, bool mention = true)
    {
        var activity = Base("message", user, id ?? NextId(), conversation);
        var mentionText = $"<at>{BotName}</at>";
        activity["text"] = mention ? $"{mentionText} {text}" : text;
        activity["textFormat"] = "plain";
        activity["entities"] = new JsonArray(
            new JsonObject { ["type"] = "clientInfo", ["locale"] = "en-US", ["country"] = "US", ["platform"] = "Web", ["timezone"] = "Europe/London" });
        if (mention)
        {
            activity["entities"]!.AsArray().Add(new JsonObject
            {
                ["type"] = "mention",
                ["text"] = mentionText,
                ["mentioned"] = new JsonObject { ["id"] = BotId, ["name"] = BotName },
            });
        }

        return activity;
    }

    /// <summary>An Action.Execute press on a card: the invoke Teams sends for Universal Actions.</summary>
    public static JsonObject CardAction(string verb, JsonObject data, string user, string replyToId, string conversation = Channel)
    {
        var activity = Base("invoke", user, NextId(), conversation);
        activity["name"] = "adaptiveCard/action";
        activity["replyToId"] = replyToId;
        activity["value"] = new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = "Action.Execute", ["title"] = verb, ["verb"] = verb, ["data"] = data },
            ["trigger"] = "manual",
        };
        return activity;
    }

    /// <summary>The bot added to a conversation.</summary>
    public static JsonObject BotAdded(string conversation = Channel)
    {
        var activity = Base("conversationUpdate", "user-admin", NextId(), conversation);
        activity["membersAdded"] = new JsonArray(new JsonObject { ["id"] = BotId, ["name"] = BotName });
        return activity;
    }

    private static JsonObject Base(string type, string user, string id, string conversation) => new()
    {
        ["type"] = type,
        ["id"] = id,
        ["timestamp"] = "2026-11-26T10:00:00.000Z",
        ["localTimestamp"] = "2026-11-26T10:00:00.000+00:00",
        ["serviceUrl"] = ServiceUrl,
        ["channelId"] = "msteams",
        ["from"] = new JsonObject { ["id"] = user, ["name"] = Capitalize(user), ["aadObjectId"] = $"aad-{user}" },
        ["conversation"] = new JsonObject
        {
            ["isGroup"] = conversation != "a:personal",
            ["conversationType"] = conversation == "a:personal" ? "personal" : "channel",
            ["tenantId"] = Tenant,
            ["id"] = conversation,
        },
        ["recipient"] = new JsonObject { ["id"] = BotId, ["name"] = BotName },
        ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = Tenant }, ["teamsChannelId"] = conversation },
        ["locale"] = "en-US",
    };

    private static string Capitalize(string user) => user.Length == 0 ? user : char.ToUpperInvariant(user[0]) + user[1..];
}
