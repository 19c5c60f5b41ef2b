using System.Text.Json.Serialization;

namespace OpsFlow.Engine.Definitions;

/// <summary>How much a finding matters: ok (checked, fine), warning (someone should look), critical (act now).</summary>
// Written as a word wherever it is serialised (the database, the API): "warning" reads, 2 does not.
[JsonConverter(typeof(JsonStringEnumConverter<FindingLevel>))]
public enum FindingLevel
{
    Ok,
    Warning,
    Critical,
}

/// <summary>
/// What a step found, as opposed to what it did: an inspection's "disk / is 93% full". A step that reports a warning
/// still succeeds (the report is the product), but its run ends "succeeded with warnings", shown amber, with the
/// findings on the card and in the API.
/// </summary>
public sealed record Finding(FindingLevel Level, string Text)
{
    /// <summary>The longest text kept: a finding is a line on a card, the step log holds the detail.</summary>
    public const int MaxText = 300;

    /// <summary>The most a step keeps; the first ones, the rest are counted in one last finding.</summary>
    public const int MaxPerStep = 20;
}
