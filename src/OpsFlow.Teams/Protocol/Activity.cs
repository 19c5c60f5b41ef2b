using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace OpsFlow.Teams.Protocol;

/// <summary>
/// A Bot Framework Activity, typed for the fields OpsFlow reads or writes. Everything else a channel sends is kept
/// in <see cref="Extra"/> and written back unchanged, so nothing is lost when an activity is stored or echoed.
/// </summary>
public sealed record Activity
{
    public string? Type { get; init; }
    public string? Id { get; init; }
    public string? Name { get; init; }
    public DateTimeOffset? Timestamp { get; init; }
    public string? ServiceUrl { get; init; }
    public string? ChannelId { get; init; }
    public ChannelAccount? From { get; init; }
    public ConversationAccount? Conversation { get; init; }
    public ChannelAccount? Recipient { get; init; }
    public string? Text { get; init; }
    public string? TextFormat { get; init; }
    public string? Summary { get; init; }
    public string? Locale { get; init; }
    public string? ReplyToId { get; init; }
    /// <summary>installationUpdate: "add" or "remove".</summary>
    public string? Action { get; init; }
    public JsonElement? Value { get; init; }
    public IReadOnlyList<Attachment>? Attachments { get; init; }
    public IReadOnlyList<ChannelAccount>? MembersAdded { get; init; }
    public IReadOnlyList<ChannelAccount>? MembersRemoved { get; init; }
    /// <summary>Mentions and client info; kept as JSON because their shape depends on the entity's type.</summary>
    public IReadOnlyList<JsonObject>? Entities { get; init; }
    public JsonElement? ChannelData { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>A user or the bot. <see cref="AadObjectId"/> is the Entra object id Teams adds for users.</summary>
public sealed record ChannelAccount
{
    public string? Id { get; init; }
    public string? Name { get; init; }
    public string? AadObjectId { get; init; }
    public string? Role { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>The conversation: personal (1:1), groupChat or channel (Teams' conversationType).</summary>
public sealed record ConversationAccount
{
    public string? Id { get; init; }
    public string? Name { get; init; }
    public string? ConversationType { get; init; }
    public string? TenantId { get; init; }
    public bool? IsGroup { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

public sealed record Attachment
{
    public required string ContentType { get; init; }
    public object? Content { get; init; }
}

/// <summary>The `mention` entity Teams puts on a message that @mentions someone (the bot, or in our posts, people).</summary>
public sealed record Mention(ChannelAccount Mentioned, string Text)
{
    public string Type { get; init; } = "mention";
}

/// <summary>Activity type names of the protocol.</summary>
public static class ActivityTypes
{
    public const string Message = "message";
    public const string Invoke = "invoke";
    public const string ConversationUpdate = "conversationUpdate";
    public const string InstallationUpdate = "installationUpdate";
    public const string AdaptiveCardAction = "adaptiveCard/action";
}

/// <summary>How OpsFlow reads and writes protocol JSON: camelCase, nulls left out, unknown fields kept.</summary>
public static class ProtocolJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
