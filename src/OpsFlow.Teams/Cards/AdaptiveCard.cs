using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpsFlow.Teams.Cards;

/// <summary>
/// An Adaptive Card 1.5 (Teams' level), typed for the elements OpsFlow uses. Serialized with
/// <see cref="CardJson.Options"/>; every card the bot sends is checked by the official library in the tests.
/// </summary>
public sealed record AdaptiveCard
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";

    [JsonPropertyOrder(-10)]
    public string Type { get; init; } = "AdaptiveCard";

    [JsonPropertyName("$schema")]
    [JsonPropertyOrder(-9)]
    public string Schema { get; init; } = "http://adaptivecards.io/schemas/adaptive-card.json";

    [JsonPropertyOrder(-8)]
    public string Version { get; init; } = "1.5";

    public IReadOnlyList<CardElement> Body { get; init; } = [];
    public IReadOnlyList<CardAction>? Actions { get; init; }
    /// <summary>Text for clients that cannot render the card (and for notifications).</summary>
    public string? FallbackText { get; init; }
    /// <summary>Teams: use the whole width of the chat.</summary>
    [JsonPropertyName("msteams")]
    public TeamsCardOptions? Teams { get; init; } = new();
}

public sealed record TeamsCardOptions
{
    public string Width { get; init; } = "Full";
    /// <summary>Mentions inside the card's text (`&lt;at&gt;name&lt;/at&gt;`).</summary>
    public IReadOnlyList<CardMention>? Entities { get; init; }
}

public sealed record CardMention(string Text, CardMentioned Mentioned)
{
    public string Type { get; init; } = "mention";
}

public sealed record CardMentioned(string Id, string Name);

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(TextBlock), "TextBlock")]
[JsonDerivedType(typeof(Container), "Container")]
[JsonDerivedType(typeof(ColumnSet), "ColumnSet")]
[JsonDerivedType(typeof(FactSet), "FactSet")]
[JsonDerivedType(typeof(ActionSet), "ActionSet")]
[JsonDerivedType(typeof(InputText), "Input.Text")]
public abstract record CardElement
{
    public string? Id { get; init; }
    /// <summary>none, small, default, medium, large, extraLarge, padding.</summary>
    public string? Spacing { get; init; }
    public bool? Separator { get; init; }
}

public sealed record TextBlock(string Text) : CardElement
{
    public bool Wrap { get; init; } = true;
    /// <summary>default, small, medium, large, extraLarge.</summary>
    public string? Size { get; init; }
    /// <summary>default, lighter, bolder.</summary>
    public string? Weight { get; init; }
    /// <summary>default, dark, light, accent, good, warning, attention.</summary>
    public string? Color { get; init; }
    public bool? IsSubtle { get; init; }
    public int? MaxLines { get; init; }
    /// <summary>default or monospace.</summary>
    public string? FontType { get; init; }
}

public sealed record Container(IReadOnlyList<CardElement> Items) : CardElement
{
    /// <summary>default, emphasis, good, attention, warning, accent.</summary>
    public string? Style { get; init; }
    public bool? Bleed { get; init; }
    public int? MinHeight { get; init; }
}

public sealed record ColumnSet(IReadOnlyList<Column> Columns) : CardElement;

public sealed record Column(IReadOnlyList<CardElement> Items)
{
    public string Type { get; init; } = "Column";
    /// <summary>"auto", "stretch", a weight ("3") or pixels ("40px").</summary>
    public string? Width { get; init; }
    public string? Style { get; init; }
    public string? VerticalContentAlignment { get; init; }
    public string? Spacing { get; init; }
    [JsonPropertyName("minHeight")]
    public string? MinHeight { get; init; }
}

public sealed record FactSet(IReadOnlyList<Fact> Facts) : CardElement;

public sealed record Fact(string Title, string Value);

public sealed record ActionSet(IReadOnlyList<CardAction> Actions) : CardElement;

/// <summary>A text field; give it an <see cref="CardElement.Id"/>, which names its value in the action's data.</summary>
public sealed record InputText : CardElement
{
    public string? Label { get; init; }
    public string? Placeholder { get; init; }
    public bool? IsMultiline { get; init; }
    public int? MaxLength { get; init; }
}

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ExecuteAction), "Action.Execute")]
[JsonDerivedType(typeof(OpenUrlAction), "Action.OpenUrl")]
[JsonDerivedType(typeof(ShowCardAction), "Action.ShowCard")]
public abstract record CardAction(string Title)
{
    public string? Id { get; init; }
    /// <summary>default, positive, destructive.</summary>
    public string? Style { get; init; }
}

/// <summary>A Universal Action: Teams sends it to the bot as an `adaptiveCard/action` invoke with the verb and data.</summary>
public sealed record ExecuteAction(string Title, string Verb, IReadOnlyDictionary<string, string> Data) : CardAction(Title)
{
    /// <summary>"auto" (inputs of the card go along) or "none".</summary>
    public string? AssociatedInputs { get; init; }
}

public sealed record OpenUrlAction(string Title, string Url) : CardAction(Title);

public sealed record ShowCardAction(string Title, AdaptiveCard Card) : CardAction(Title);

/// <summary>How cards are written: camelCase, nulls left out.</summary>
public static class CardJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize(AdaptiveCard card) => JsonSerializer.Serialize(card, Options);
}
