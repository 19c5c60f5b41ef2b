using System.Globalization;
using OpsFlow.Engine.Reports;
using OpsFlow.Engine.Model;

namespace OpsFlow.Teams.Cards;

/// <summary>The shared shape of the cards that answer chat commands: a title, an optional problem line, the body.</summary>
internal static class ReplyCard
{
    public static AdaptiveCard Build(string title, string fallback, IEnumerable<CardElement> body, IReadOnlyList<CardAction>? actions = null) => new()
    {
        Body = [Title(title), .. body],
        Actions = actions is { Count: > 0 } ? actions : null,
        FallbackText = fallback,
    };

    public static TextBlock Title(string text) => new(text) { Size = "medium", Weight = "bolder" };

    public static TextBlock Heading(string text) => new(text) { Weight = "bolder", Spacing = "medium", Separator = true };

    public static TextBlock Problem(string text) => new(text) { Color = "attention" };

    public static TextBlock Note(string text) => new(text) { IsSubtle = true, Size = "small" };

    /// <summary>
    /// Something to type, in a fixed-width font: Adaptive Cards' markdown has no inline code, so a command gets a
    /// line of its own, with a lead-in ("Example:") when it has one.
    /// </summary>
    public static TextBlock Command(string text, string? lead = null) =>
        new(lead is null ? text : $"{lead} {text}") { FontType = "monospace", Spacing = "small" };

    /// <summary>A command and what it does: the command in a fixed-width font, the words under it.</summary>
    public static Container Entry(string command, string? about) => new(about is null || about.Length == 0
        ? [Command(command)]
        : [Command(command), new TextBlock(about) { IsSubtle = true, Spacing = "none" }]) { Spacing = "small" };

    /// <summary>A dashboard page for a run, or null when no dashboard address is configured.</summary>
    public static string? RunLink(string? dashboardUrl, string runId) =>
        string.IsNullOrWhiteSpace(dashboardUrl) ? null : $"{dashboardUrl.TrimEnd('/')}/runs/{Uri.EscapeDataString(runId)}";

    /// <summary>A short age: "45 s", "12 min", "3 h", "2 d".</summary>
    public static string Age(TimeSpan age)
    {
        var culture = CultureInfo.InvariantCulture;
        return age.TotalMinutes < 1 ? string.Create(culture, $"{Math.Max(0, (int)age.TotalSeconds)} s")
            : age.TotalHours < 1 ? string.Create(culture, $"{(int)age.TotalMinutes} min")
            : age.TotalDays < 1 ? string.Create(culture, $"{(int)age.TotalHours} h")
            : string.Create(culture, $"{(int)age.TotalDays} d");
    }
}
