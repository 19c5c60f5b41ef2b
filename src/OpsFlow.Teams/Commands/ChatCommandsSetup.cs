using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsFlow.Engine.Execution;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Teams.Publishing;

namespace OpsFlow.Teams.Commands;

/// <summary>
/// Registers the chat commands and card buttons. Needs from the host: the engine and its ports (IRunStore,
/// IWorkflowCatalog, IRunReports; IRunSchedules optional), the connector client and <see cref="IRunCards"/>.
/// </summary>
internal static class ChatCommandsSetup
{
    public static IServiceCollection AddOpsFlowChatCommands(this IServiceCollection services, IConfiguration configuration)
    {
        // The host usually registers access already (the dashboard uses it); same section, so either is the same.
        services.TryAddSingleton(_ => configuration.GetSection("OpsFlow:Access").Get<AccessOptions>() ?? new AccessOptions());
        services.TryAddSingleton<ActorDirectory>();
        // Stale card clicks are audited here; the engine's registration (or a durable store) is the same service.
        services.TryAddSingleton<IAuditLog, OpsFlow.Engine.InProcess.InMemoryAuditLog>();
        services.AddSingleton<ChatActors>();
        services.AddSingleton<ChatReplies>();
        services.AddSingleton<CommandIndex>();
        services.AddSingleton<CommandRate>();
        services.AddSingleton<HelpReplies>();
        services.AddSingleton<OptionalSchedules>();
        services.AddSingleton<WorkflowStarter>();
        services.AddSingleton<CardControlHandler>();
        services.AddSingleton<CardActionHandler>();
        services.AddSingleton<WelcomeMessage>();

        // Registration order is the order /help lists them.
        services.AddSingleton<IChatCommand, HelpCommand>();
        services.AddSingleton<IChatCommand, RunsCommand>();
        services.AddSingleton<IChatCommand, StatusCommand>();
        foreach (var verb in RunVerb.All)
        {
            services.AddSingleton<IChatCommand>(sp => new RunControlCommand(
                verb, sp.GetRequiredService<WorkflowEngine>(), sp.GetRequiredService<IRunCards>(), sp.GetRequiredService<ChatReplies>()));
        }

        services.AddSingleton<IChatCommand, SchedulesCommand>();
        services.AddSingleton<IChatCommand, ScheduleCommand>();
        services.AddSingleton<IChatCommand, UnscheduleCommand>();
        services.AddSingleton<IChatCommand, ReportCommand>();
        services.AddSingleton<IChatCommand, PlanCommand>();
        services.AddSingleton<IChatCommand, NodesCommand>();
        services.AddSingleton<EmergencyStopAnnouncer>();
        services.AddSingleton<IChatCommand>(sp => new EmergencyStopCommand(
            true, sp.GetRequiredService<EmergencyStopCommands>(), sp.GetRequiredService<EmergencyStopAnnouncer>(), sp.GetRequiredService<ChatReplies>()));
        services.AddSingleton<IChatCommand>(sp => new EmergencyStopCommand(
            false, sp.GetRequiredService<EmergencyStopCommands>(), sp.GetRequiredService<EmergencyStopAnnouncer>(), sp.GetRequiredService<ChatReplies>()));
        return services;
    }
}
