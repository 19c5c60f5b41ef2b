using OpsFlow.Engine.Ports;

namespace OpsFlow.Teams.Commands;

/// <summary>
/// Where an emergency stop or its lifting is said: the default conversation (<see cref="TeamsOptions.DefaultConversation"/>),
/// unless that is where it was asked for in chat (the answer there says it). From the API or the dashboard, with no
/// default conversation configured, it is logged only.
/// </summary>
public sealed class EmergencyStopAnnouncer(IAnnouncements announcements, TeamsOptions options)
{
    public Task AnnounceAsync(string text, string? askedIn, CancellationToken cancellationToken)
    {
        var home = string.IsNullOrWhiteSpace(options.DefaultConversation) ? null : options.ResolveConversation(options.DefaultConversation.Trim());
        return home is null || string.Equals(home, askedIn, StringComparison.Ordinal)
            ? (askedIn is null ? announcements.AnnounceAsync(null, text, cancellationToken) : Task.CompletedTask)
            : announcements.AnnounceAsync(home, text, cancellationToken);
    }
}
