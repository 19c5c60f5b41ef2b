using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using OpsFlow.Engine.Model;
using OpsFlow.Engine.Ports;
using OpsFlow.Teams.Auth;
using OpsFlow.Teams.Connector;
using OpsFlow.Teams.Inbound;
using OpsFlow.Teams.Ports;
using OpsFlow.Teams.Publishing;

namespace OpsFlow.Teams;

/// <summary>Registers the Teams channel. The host adds the chat store (EF) and maps <see cref="MessagesEndpoint"/>.</summary>
public static class TeamsSetup
{
    public static IServiceCollection AddOpsFlowTeams(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("OpsFlow:Teams").Get<TeamsOptions>() ?? new TeamsOptions();
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IChatStore, InMemoryChatStore>();
        services.AddSingleton<ConversationDirectory>();
        services.AddSingleton<ActivityInbox>();
        services.AddHostedService<ActivityProcessor>();

        // --- auth (inbound JWT, outbound tokens) ---
        if (!options.Authenticates)
        {
            services.AddSingleton<DevelopmentAuthenticator>();
            services.AddSingleton<IInboundAuthenticator>(sp => sp.GetRequiredService<DevelopmentAuthenticator>());
            services.AddSingleton<IBotTokenSource>(sp => sp.GetRequiredService<DevelopmentAuthenticator>());
        }

        // --- connector client ---

        // --- cards and the run card publisher ---
        services.AddSingleton<RunDurationEstimates>();
        services.AddSingleton<RunCardSource>();
        services.AddSingleton(sp => new RunCardPublisher(
            sp.GetRequiredService<RunCardSource>(),
            sp.GetRequiredService<IRunStore>(),
            sp.GetRequiredService<IChatStore>(),
            sp.GetRequiredService<ConversationDirectory>(),
            sp.GetRequiredService<IConnectorClient>(),
            sp.GetRequiredService<TeamsOptions>(),
            sp.GetService<AccessOptions>() ?? new AccessOptions(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RunCardPublisher>>()));
        services.AddSingleton<IRunCards>(sp => sp.GetRequiredService<RunCardPublisher>());
        services.AddSingleton<IRunObserver>(sp => sp.GetRequiredService<RunCardPublisher>());
        services.AddHostedService(sp => sp.GetRequiredService<RunCardPublisher>());

        // --- chat commands and card actions ---

        return services;
    }
}
