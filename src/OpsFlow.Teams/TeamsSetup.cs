using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsFlow.Teams.Auth;
using OpsFlow.Teams.Inbound;
using OpsFlow.Teams.Ports;

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
        Publishing.PublishingSetup.AddOpsFlowRunCards(services);

        // --- chat commands and card actions ---

        return services;
    }
}
