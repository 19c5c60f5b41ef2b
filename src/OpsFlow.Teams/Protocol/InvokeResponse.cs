namespace OpsFlow.Teams.Protocol;

/// <summary>
/// The HTTP body answering an `adaptiveCard/action` invoke (Universal Actions): a card that replaces the one the
/// user pressed, or a message for them. Teams expects HTTP 200 with this body within a few seconds.
/// </summary>
public sealed record InvokeResponse(int StatusCode, string Type, object? Value)
{
    public const string CardType = "application/vnd.microsoft.card.adaptive";
    public const string MessageType = "application/vnd.microsoft.activity.message";

    public static InvokeResponse Card(object card) => new(200, CardType, card);

    public static InvokeResponse Message(string text) => new(200, MessageType, text);
}
