namespace OpsFlow.Engine.Ports;

/// <summary>
/// Tells people about something that belongs to no run (a schedule paused because its creator may no longer start
/// it): the chat adapter posts it to the conversation, when there is one it can reach. Best effort: an announcement
/// that cannot be delivered is logged by the adapter, never thrown.
/// </summary>
public interface IAnnouncements
{
    Task AnnounceAsync(string? conversation, string text, CancellationToken cancellationToken = default);
}

/// <summary>No chat adapter: announcements go to the log of whoever calls, nowhere else.</summary>
public sealed class NoAnnouncements : IAnnouncements
{
    public static NoAnnouncements Instance { get; } = new();

    public Task AnnounceAsync(string? conversation, string text, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
