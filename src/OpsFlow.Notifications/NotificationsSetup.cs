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
        services.AddOptions<NotificationOptions>().Bind(configuration.GetSection(NotificationOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NotificationOptions>, NotificationOptionsValidator>());
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<NotificationOptions>>().Value);
        var routes = configuration.GetSection($"{NotificationOptions.Section}:Routes").GetChildren().Any();
        if (!routes)
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
        return services;
    }
}
