using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Teams.Connector;
using OpsFlow.Teams.Inbound;
using OpsFlow.Chat;

namespace OpsFlow.Teams.Publishing;

/// <summary>
/// Registers the run cards: one <see cref="RunCardPublisher"/> that is the engine's observer, the
/// <see cref="IRunCards"/> the chat commands use, and the hosted loop that writes the cards. Needs the engine's
/// store and catalog and an <see cref="IConnectorClient"/>; the host's <see cref="AccessOptions"/> expand roles
/// in mentions (none configured: roles mention nobody).
/// </summary>
public static class PublishingSetup
{
    public static IServiceCollection AddOpsFlowRunCards(this IServiceCollection services)
    {
        services.AddSingleton<RunDurationEstimates>();
        services.AddSingleton<RunCardSource>();
        services.AddSingleton(sp => new RunCardJournal(
            sp.GetRequiredService<TeamsOptions>().CardJournalPath is { Length: > 0 } path ? path : null,
            sp.GetRequiredService<ILogger<RunCardJournal>>()));
        services.AddSingleton(sp => new RunCardPublisher(
            sp.GetRequiredService<RunCardSource>(),
            sp.GetRequiredService<IRunStore>(),
            sp.GetRequiredService<IChatStore>(),
            sp.GetRequiredService<ConversationDirectory>(),
            sp.GetRequiredService<IConnectorClient>(),
            sp.GetRequiredService<TeamsOptions>(),
            sp.GetService<AccessOptions>() ?? new AccessOptions(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RunCardPublisher>>(),
            sp.GetService<TeamsTelemetry>(),
            sp.GetRequiredService<RunCardJournal>()));
        services.AddSingleton<IRunCards>(sp => sp.GetRequiredService<RunCardPublisher>());
        // Replaces the scheduler's default (nowhere), whichever was registered first.
        services.RemoveAll<IAnnouncements>();
        services.AddSingleton<IAnnouncements, ChatAnnouncements>();
        services.AddSingleton<IRunObserver>(sp => sp.GetRequiredService<RunCardPublisher>());
        services.AddHostedService(sp => sp.GetRequiredService<RunCardPublisher>());
        services.AddHostedService<ApprovalReminderSweep>();
        services.AddSingleton<ApprovalCopies>();
        services.AddSingleton<IRunObserver>(sp => sp.GetRequiredService<ApprovalCopies>());
        services.AddHostedService(sp => sp.GetRequiredService<ApprovalCopies>());
        return services;
    }
}
