using OpsFlow.Teams.Cards;

namespace OpsFlow.Teams.Tests.Commands;

/// <summary>Everything a person can read on a card (texts, facts, button titles), one line each, for assertions.</summary>
public static class CardText
{
    public static string Of(AdaptiveCard card) => string.Join('\n', Lines(card));

    private static IEnumerable<string> Lines(AdaptiveCard card) =>
        card.Body.SelectMany(Lines).Concat((card.Actions ?? []).SelectMany(Lines));

    private static IEnumerable<string> Lines(CardElement element) => element switch
    {
        TextBlock text => [text.Text],
        Container container => container.Items.SelectMany(Lines),
        ColumnSet columns => columns.Columns.SelectMany(c => c.Items).SelectMany(Lines),
        FactSet facts => facts.Facts.Select(f => $"{f.Title}: {f.Value}"),
        ActionSet actions => actions.Actions.SelectMany(Lines),
        InputText input => [input.Label ?? input.Placeholder ?? string.Empty],
        _ => [],
    };

    private static IEnumerable<string> Lines(CardAction action) => action switch
    {
        OpenUrlAction open => [$"{open.Title} <{open.Url}>"],
        ShowCardAction show => [action.Title, .. Lines(show.Card)],
        _ => [action.Title],
    };
}
