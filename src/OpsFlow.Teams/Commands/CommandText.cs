using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OpsFlow.Engine.Definitions;
using OpsFlow.Teams.Protocol;

namespace OpsFlow.Teams.Commands;

/// <summary>
/// A chat message read as a command: <see cref="Name"/> is the first word in lower case (a built-in command or a
/// workflow), <see cref="Arguments"/> the rest split as <see cref="ParameterArguments.Tokenize"/> does.
/// </summary>
internal sealed record CommandText(string Name, IReadOnlyList<string> Arguments)
{
    /// <summary>The arguments from <paramref name="index"/> on as one phrase (a reason), or null when there are none.</summary>
    public string? Rest(int index) => Arguments.Count > index ? string.Join(' ', Arguments.Skip(index)) : null;
}

/// <summary>
/// Reads what a person typed: the @mention of the bot that group chats and channels require is dropped, as are
/// HTML (Teams sends some messages as HTML) and its entities, surrounding space and a leading '/'.
/// </summary>
internal static partial class CommandParser
{
    /// <summary>The command, or null when nothing is left once the mention is gone (a bare "@OpsFlow").</summary>
    public static CommandText? Parse(Activity activity)
    {
        var text = Clean(activity);
        if (text.StartsWith('/'))
        {
            text = text[1..].TrimStart();
        }

        var tokens = ParameterArguments.Tokenize(text);
        return tokens.Count == 0 ? null : new CommandText(tokens[0].ToLowerInvariant(), tokens.Skip(1).ToArray());
    }

    /// <summary>The message text with the bot's mentions removed, other mentions reduced to the name, tags and entities decoded.</summary>
    internal static string Clean(Activity activity)
    {
        var text = activity.Text ?? string.Empty;
        foreach (var mention in BotMentions(activity))
        {
            text = text.Replace(mention, " ", StringComparison.Ordinal);
        }

        // A mention of the bot without its entity (some clients): recognised by the bot's name.
        if (activity.Recipient?.Name is { Length: > 0 } botName)
        {
            text = text.Replace($"<at>{botName}</at>", " ", StringComparison.OrdinalIgnoreCase);
        }

        text = Tag().Replace(text, " ");
        text = WebUtility.HtmlDecode(text).Replace('\u00A0', ' ');
        return text.Trim();
    }

    /// <summary>The text of each mention entity that names the bot (activity.Recipient), e.g. "&lt;at&gt;OpsFlow&lt;/at&gt;".</summary>
    private static IEnumerable<string> BotMentions(Activity activity)
    {
        var botId = activity.Recipient?.Id;
        foreach (var entity in activity.Entities ?? [])
        {
            if (Value(entity, "type") == "mention"
                && entity["mentioned"] is JsonObject mentioned
                && Value(mentioned, "id") is { } id
                && string.Equals(id, botId, StringComparison.Ordinal)
                && Value(entity, "text") is { Length: > 0 } text)
            {
                yield return text;
            }
        }
    }

    private static string? Value(JsonObject node, string name) =>
        node[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>Any HTML tag; &lt;at&gt; mentions of other people keep their name this way.</summary>
    [GeneratedRegex("<[^>]*>", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex Tag();
}
