using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsFlow.Teams.Auth;
using OpsFlow.Teams.Commands;
using OpsFlow.Teams.Connector;
using OpsFlow.Teams.Inbound;
using OpsFlow.Chat;

namespace OpsFlow.Teams;

/// <summary>Registers the Teams channel. The host adds the chat store (EF) and maps <see cref="MessagesEndpoint"/>.</summary>
public static class TeamsSetup
{
    /// <summary>The configuration section of <see cref="TeamsOptions"/>.</summary>
    public const string Section = "OpsFlow:Teams";

    /// <summary>
    /// The channel with <see cref="TeamsOptions"/> and <see cref="ConnectorOptions"/> from their sections, checked when
    /// the host starts: a bad setting fails the start with the setting's name and what to write.
    /// </summary>
    public static IServiceCollection AddOpsFlowTeams(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TeamsOptions>().Bind(configuration.GetSection(Section)).ValidateOnStart();
        services.AddOptions<ConnectorOptions>().Bind(configuration.GetSection(ConnectorOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TeamsOptions>, TeamsOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConnectorOptions>, ConnectorOptionsValidator>());
        // The channel's classes take the options as plain objects.
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<TeamsOptions>>().Value);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<ConnectorOptions>>().Value);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IChatStore, InMemoryChatStore>();
        services.TryAddSingleton<IChatNoticeLog>(sp => sp.GetRequiredService<IChatStore>());
        services.TryAddSingleton<IPersonalChats, InMemoryPersonalChats>();
        services.TryAddSingleton<TeamsTelemetry>();
        services.AddSingleton<ConversationDirectory>();
        services.AddSingleton<ChatPeople>();
        services.AddSingleton<ServiceUrlPolicy>();
        services.AddSingleton<OpsFlow.Engine.Ports.IHousekeeping, InboxHousekeeping>();
        services.AddSingleton<ActivityGate>();
        services.AddSingleton<ActivityInbox>();
        services.AddHostedService<ActivityProcessor>();
        services.AddHostedService<OrphanedActivitySweeper>();

        // --- auth (inbound JWT, outbound tokens): chosen when first resolved, from the validated options ---
        services.AddHttpClient(BotFrameworkMetadata.HttpClientName);
        services.AddHttpClient(BotTokenSource.HttpClientName);
        services.AddSingleton<DevelopmentAuthenticator>();
        services.AddSingleton(sp => new BotFrameworkMetadata(
            sp.GetRequiredService<TeamsOptions>().OpenIdMetadataUrl, sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<BotFrameworkMetadata>>()));
        services.AddSingleton(sp => new BotFrameworkAuthenticator(
            sp.GetRequiredService<TeamsOptions>(), sp.GetRequiredService<BotFrameworkMetadata>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<BotFrameworkAuthenticator>>()));
        services.AddSingleton<BotTokenSource>();
        services.AddSingleton<IInboundAuthenticator>(sp => sp.GetRequiredService<TeamsOptions>().Authenticates
            ? sp.GetRequiredService<BotFrameworkAuthenticator>()
            : sp.GetRequiredService<DevelopmentAuthenticator>());
        services.AddSingleton<IBotTokenSource>(sp => sp.GetRequiredService<TeamsOptions>().Authenticates
            ? sp.GetRequiredService<BotTokenSource>()
            : sp.GetRequiredService<DevelopmentAuthenticator>());

        services.AddHostedService<AuthStartupNotice>();

        // --- connector client ---
        services.AddHttpClient<IConnectorClient, ConnectorClient>().AddConnectorResilience();

        // --- cards and the run card publisher ---
        Publishing.PublishingSetup.AddOpsFlowRunCards(services);

        // --- chat commands and card actions ---
        services.AddSingleton<IChatHandler, ChatCommandHandler>();
        services.AddOpsFlowChatCommands(configuration);

        return services;
    }
}
