using OpsFlow.Engine.Model;

namespace OpsFlow.Bot.Hosting;

internal static class AccessSetup
{
    public static IServiceCollection AddOpsFlowAccess(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("OpsFlow:Access").Get<AccessOptions>() ?? new AccessOptions();
        services.AddSingleton(options);
        services.AddSingleton<ActorDirectory>();
        return services;
    }
}
