using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpsFlow.Engine.Ports;

namespace OpsFlow.Notifications;

public static class NotificationsSetup
{
    /// <summary>
    /// Severity routes from OpsFlow:Notifications (validated at start). With no route, nothing is registered but the
    /// options: no observer, no loops. Needs the engine's ports: IRunStore, INoticeOutbox (the database), ISecretSource
    /// and IAnnouncements (the chat channel; without one, Teams routes fail and say why).
    /// </summary>
    public static IServiceCollection AddOpsFlowNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotificationOptions>()
            .Bind(configuration.GetSection(NotificationOptions.Section))
            .PostConfigure(options =>
            {
                // Reports go to the Teams default conversation unless told otherwise.
                if (options.Reports.To.Count == 0 && configuration["OpsFlow:Teams:DefaultConversation"] is { Length: > 0 } home)
                {
                    options.Reports.To.Add($"teams:{home}");
                }
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NotificationOptions>, NotificationOptionsValidator>());
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<NotificationOptions>>().Value);
        var routes = configuration.GetSection($"{NotificationOptions.Section}:Routes").GetChildren().Any();
        var reports = Reports(configuration);
        if (!routes && !reports)
        {
            return services;
        }

        services.AddHttpClient(NoticeChannels.HttpClientName);
        services.TryAddSingleton<IAnnouncements>(NoAnnouncements.Instance);
        services.AddSingleton<DeliverySignal>();
        services.AddSingleton<NoticeChannels>();
        services.AddSingleton<NoticeRouter>();
        services.AddSingleton<IRunObserver>(sp => sp.GetRequiredService<NoticeRouter>());
        services.AddHostedService(sp => sp.GetRequiredService<NoticeRouter>());
        services.AddHostedService<DeliveryWorker>();
        if (reports)
        {
            services.AddHostedService<ReportDelivery>();
        }

        return services;
    }

    /// <summary>True when a report is on and has somewhere to go (its own channels, the default conversation, or an info route).</summary>
    private static bool Reports(IConfiguration configuration)
    {
        var section = configuration.GetSection($"{NotificationOptions.Section}:Reports");
        var on = section.GetValue("Weekly", true) || section.GetValue("Monthly", true);
        var somewhere = section.GetSection("To").GetChildren().Any()
            || !string.IsNullOrWhiteSpace(configuration["OpsFlow:Teams:DefaultConversation"])
            || configuration.GetSection($"{NotificationOptions.Section}:Routes").GetChildren().Any(route => route.GetSection("Levels").GetChildren().Any(level => string.Equals(level.Value, nameof(NoticeLevel.Info), StringComparison.OrdinalIgnoreCase)));
        return on && somewhere;
    }
}
