using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using OpsFlow.Teams.Auth;
using OpsFlow.Teams.Commands;
using OpsFlow.Teams.Connector;
using OpsFlow.Teams.Inbound;
using OpsFlow.Chat;

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
        services.TryAddSingleton<IChatNoticeLog>(sp => sp.GetRequiredService<IChatStore>());
        services.TryAddSingleton<TeamsTelemetry>();
        services.AddSingleton<ConversationDirectory>();
        services.AddSingleton<ActivityInbox>();
        services.AddHostedService<ActivityProcessor>();
        services.AddHostedService<OrphanedActivitySweeper>();

        // --- auth (inbound JWT, outbound tokens) ---
        if (!options.Authenticates)
        {
            services.AddSingleton<DevelopmentAuthenticator>();
            services.AddSingleton<IInboundAuthenticator>(sp => sp.GetRequiredService<DevelopmentAuthenticator>());
            services.AddSingleton<IBotTokenSource>(sp => sp.GetRequiredService<DevelopmentAuthenticator>());
        }
        else
        {
            BotTokenSource.ValidateOptions(options);
            services.AddHttpClient(BotFrameworkMetadata.HttpClientName);
            services.AddHttpClient(BotTokenSource.HttpClientName);
            services.AddSingleton(sp => new BotFrameworkMetadata(
                options.OpenIdMetadataUrl, sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<BotFrameworkMetadata>>()));
            services.AddSingleton<IInboundAuthenticator>(sp => new BotFrameworkAuthenticator(
                options, sp.GetRequiredService<BotFrameworkMetadata>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<BotFrameworkAuthenticator>>()));
            services.AddSingleton<IBotTokenSource, BotTokenSource>();
        }

        services.AddHostedService<AuthStartupNotice>();

        // --- connector client ---
        services.TryAddSingleton(configuration.GetSection(ConnectorOptions.Section).Get<ConnectorOptions>() ?? new ConnectorOptions());
        services.AddHttpClient<IConnectorClient, ConnectorClient>().AddConnectorResilience();

        // --- cards and the run card publisher ---
        Publishing.PublishingSetup.AddOpsFlowRunCards(services);

        // --- chat commands and card actions ---
        services.AddSingleton<IChatHandler, ChatCommandHandler>();
        services.AddOpsFlowChatCommands(configuration);

        return services;
    }
}
