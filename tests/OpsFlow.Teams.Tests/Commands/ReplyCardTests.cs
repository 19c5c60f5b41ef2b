using System.Text.Json.Nodes;
using OpsFlow.Teams.Cards;

namespace OpsFlow.Teams.Tests.Commands;

/// <summary>
/// Structural checks of every reply card (Teams' level 1.5, fallback text, size, no empty texts or links). The
/// official adaptivecards validation runs over <see cref="ReplyCardSamples"/> where the card validator is wired.
/// </summary>
public sealed class ReplyCardTests
{
    private const int TeamsMaxBytes = 28_000;

    [Theory]
    [MemberData(nameof(ReplyCardSamples.Names), MemberType = typeof(ReplyCardSamples))]
    public void ReplyCard_IsAnAdaptiveCardTeamsAccepts(string name)
    {
        var card = ReplyCardSamples.Get(name);
        var json = CardJson.Serialize(card);
        var root = JsonNode.Parse(json)!.AsObject();

        Assert.Equal("AdaptiveCard", (string?)root["type"]);
        Assert.Equal("1.5", (string?)root["version"]);
        Assert.False(string.IsNullOrWhiteSpace(card.FallbackText), $"{name}: clients that cannot draw the card show its fallback text.");
        Assert.True(json.Length < TeamsMaxBytes, $"{name}: {json.Length} bytes is over Teams' limit.");
        Assert.NotEmpty(card.Body);
        foreach (var node in Walk(root))
        {
            var type = (string?)node["type"];
            Assert.False(type == "TextBlock" && string.IsNullOrWhiteSpace((string?)node["text"]), $"{name}: a TextBlock has no text.");
            Assert.False(type == "ColumnSet" && node["columns"]?.AsArray().Count is null or 0, $"{name}: a ColumnSet has no columns.");
            Assert.False(type == "Action.OpenUrl" && !Uri.IsWellFormedUriString((string?)node["url"], UriKind.Absolute), $"{name}: a link is not absolute.");
        }
    }

    private static IEnumerable<JsonObject> Walk(JsonNode? node) => node switch
    {
        JsonObject obj => new[] { obj }.Concat(obj.SelectMany(p => Walk(p.Value))),
        JsonArray array => array.SelectMany(Walk),
        _ => [],
    };
}
