namespace OpsFlow.Bot.Playground;

public static class PlaygroundSetup
{
    /// <summary>The Agents Playground for local development; see <see cref="PlaygroundOptions"/> for when it starts.</summary>
    public static IServiceCollection AddOpsFlowPlayground(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("OpsFlow:Playground").Get<PlaygroundOptions>() ?? new PlaygroundOptions();
        if (options.Enabled)
        {
            services.AddSingleton(options);
            services.AddHostedService<PlaygroundLauncher>();
        }

        return services;
    }
}
