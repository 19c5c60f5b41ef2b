namespace OpsFlow.Engine.Ports;

/// <summary>
/// Tells people about something that belongs to no run (a schedule paused because its creator may no longer start
/// it): the chat adapter posts it to the conversation, when there is one it can reach. Best effort: an announcement
/// that cannot be delivered is logged by the adapter, never thrown.
/// </summary>
public interface IAnnouncements
{
    Task AnnounceAsync(string? conversation, string text, CancellationToken cancellationToken = default);

    /// <summary>
    /// Posts <paramref name="text"/> to a conversation (an id or a configured name) and throws when it cannot: for a
    /// caller that keeps the message and tries again (the notice outbox), where "logged and dropped" would lose it.
    /// </summary>
    Task DeliverAsync(string conversation, string text, CancellationToken cancellationToken = default);
}

/// <summary>No chat adapter: announcements go to the log of whoever calls, nowhere else.</summary>
public sealed class NoAnnouncements : IAnnouncements
{
    public static NoAnnouncements Instance { get; } = new();

    public Task AnnounceAsync(string? conversation, string text, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task DeliverAsync(string conversation, string text, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException($"No chat channel is configured, so nothing can be posted to '{conversation}': configure OpsFlow:Teams, or route this level to email or a webhook.");
}
