using System.Text.Json;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Inbound;

/// <summary>Turns a request body into an Activity, or into a message that says what is wrong with it.</summary>
internal static class ActivityReader
{
    public static (Activity? Activity, string? Problem) Parse(ReadOnlySpan<byte> body)
    {
        Activity? activity;
        try
        {
            activity = JsonSerializer.Deserialize<Activity>(body, ProtocolJson.Options);
        }
        catch (JsonException ex)
        {
            return (null, $"The body is not an Activity in JSON ({ex.Message}). Send a Bot Framework Activity object.");
        }

        if (activity is null)
        {
            return (null, "The body is empty or null. Send a Bot Framework Activity object.");
        }

        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(activity.Type))
        {
            problems.Add("'type' is missing");
        }

        if (string.IsNullOrWhiteSpace(activity.Conversation?.Id))
        {
            problems.Add("'conversation.id' is missing");
        }

        if (!Uri.TryCreate(activity.ServiceUrl, UriKind.Absolute, out var serviceUrl) || (serviceUrl.Scheme != Uri.UriSchemeHttps && serviceUrl.Scheme != Uri.UriSchemeHttp))
        {
            problems.Add("'serviceUrl' must be an absolute http(s) URL");
        }

        if (activity.Type is ActivityTypes.Message or ActivityTypes.Invoke && string.IsNullOrWhiteSpace(activity.From?.Id))
        {
            problems.Add("'from.id' is missing");
        }

        if (string.IsNullOrWhiteSpace(activity.Recipient?.Id))
        {
            problems.Add("'recipient.id' (the bot) is missing");
        }

        return problems.Count == 0 ? (activity, null) : (null, $"The activity is incomplete: {string.Join("; ", problems)}.");
    }

    /// <summary>The key that makes a re-delivered activity a duplicate: activity ids are unique within a conversation.</summary>
    public static string KeyOf(Activity activity) =>
        activity.Id is { Length: > 0 } id ? $"{activity.Conversation!.Id}|{id}" : $"{activity.Conversation!.Id}|no-id-{Guid.NewGuid():n}";
}
