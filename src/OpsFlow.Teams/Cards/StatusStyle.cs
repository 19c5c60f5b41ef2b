using OpsFlow.Engine.Model;

namespace OpsFlow.Teams.Cards;

/// <summary>
/// <see cref="StatusVocabulary"/> in Adaptive Card terms. Adaptive Cards have no orange and no blue text colour of
/// their own: approval is "warning" (with its own symbol) and pending is "accent".
/// </summary>
public static class StatusStyle
{
    public static (string Symbol, string Color) Of(StepStatus status, bool waitsForPeople = false) => Style(StatusVocabulary.Of(status, waitsForPeople));

    public static (string Symbol, string Color) Of(RunStatus status) => Style(StatusVocabulary.Of(status));

    public static (string Symbol, string Color) Of(StatusLook look) => Style(look);

    /// <summary>The container style that tints a card's header for a run status.</summary>
    public static string ContainerOf(RunStatus status) => ContainerOf(StatusVocabulary.Of(status));

    public static string ContainerOf(StatusLook look) => look.Tone switch
    {
        StatusTone.Succeeded => "good",
        StatusTone.Failed => "attention",
        StatusTone.Running or StatusTone.Approval or StatusTone.Warning => "warning",
        StatusTone.Pending => "accent",
        _ => "emphasis",
    };

    public static string Color(StatusTone tone) => tone switch
    {
        StatusTone.Pending => "accent",
        StatusTone.Running or StatusTone.Approval or StatusTone.Warning => "warning",
        StatusTone.Succeeded => "good",
        StatusTone.Failed => "attention",
        _ => "default",
    };

    private static (string Symbol, string Color) Style(StatusLook look) => (look.Symbol, Color(look.Tone));
}
